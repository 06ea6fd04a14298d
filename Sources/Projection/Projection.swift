// The Projection module. See README.md and ../../shared/DESIGN.md for its job.
