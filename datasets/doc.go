// Package datasets reads the MNIST handwritten-digit data that nnopt trains
// and tests on, and finds or fetches it on disk.
//
// The files are in IDX format (ReadIDX), optionally gzip-compressed. LoadMNIST
// turns the four standard files into images and labels; it takes every count
// from the file headers, so subsets such as the 10,000-image training file
// used by the tests load as well as the full 60,000, and Fashion-MNIST, which
// has the same layout and file names, loads unchanged. BalancedBatch and
// Images.Batch build the normalized training batch of the reference
// experiment. ResolveDir and Download locate the data or fetch it into the
// per-user cache.
package datasets
