// The Projection module: high-dimensional vectors to two dimensions, and pictures of them.
//
// - `PCA`: exact (covariance + Jacobi eigendecomposition) or randomised (Halko et al.).
// - `TSNE`: exact for small inputs, Barnes-Hut for large ones, affinities from exact kNN.
// - `ScatterPlot` drawn by `SVGRenderer`, `HTMLRenderer` (interactive page) and `PNGRenderer`.
