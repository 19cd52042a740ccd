// Package nn holds the neural-network pieces that nnopt needs around its
// optimizers: a batched CPU inference network (Sequential) whose parameters
// use PyTorch's names and layouts, weight initialisers, and reading and
// writing of the safetensors file format.
//
// The point of matching PyTorch exactly is interoperability: a network
// trained here is written with SaveSafetensors(path, net.StateDict(), nil)
// and a PyTorch user reads the file and calls load_state_dict on the
// equivalent nn.Sequential without renaming or transposing anything.
//
// Activations are stored as flat []float64 slices holding batch rows of
// per-sample values in row-major (C-contiguous) order, which is also how
// PyTorch lays out a contiguous tensor, so Flatten is a plain copy.
package nn
