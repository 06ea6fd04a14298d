// Intentionally empty: CWord2VecSupport is header-only (see include/CWord2VecSupport.h).
