package datasets

import "fmt"

// Mean and standard deviation of the MNIST training pixels scaled to [0, 1],
// the normalization constants of the reference experiment (and of the usual
// PyTorch MNIST examples).
const (
	MNISTMean = 0.1307
	MNISTStd  = 0.3081
)

// BalancedBatch returns the indices of the first perClass examples of each
// class 0, …, classes-1, in order of appearance. Taking the first examples
// rather than a random sample makes the batch reproducible without a seed;
// the indices come out in ascending order because the labels are scanned
// once, front to back, accepting each example whose class is not yet full.
//
// Labels at or above classes are skipped, so a prefix of the classes can be
// selected. It is an error if a class has fewer than perClass examples.
func BalancedBatch(labels []uint8, perClass, classes int) ([]int, error) {
	if perClass <= 0 || classes <= 0 || classes > 256 {
		return nil, fmt.Errorf("datasets: balanced batch of %d per class for %d classes: want positive counts and at most 256 classes", perClass, classes)
	}
	count := make([]int, classes)
	var idx []int
	if perClass <= len(labels) { // else it fails below; this bounds the allocation
		idx = make([]int, 0, perClass*classes)
	}
	for i, l := range labels {
		if int(l) < classes && count[l] < perClass {
			count[l]++
			idx = append(idx, i)
		}
	}
	for c, n := range count {
		if n < perClass {
			return nil, fmt.Errorf("datasets: balanced batch: class %d has %d examples in %d labels, want %d", c, n, len(labels), perClass)
		}
	}
	return idx, nil
}

// Normalize sets dst[i] = (pixels[i]/255 - mean) / std, the convention of
// torchvision's ToTensor followed by Normalize, so that weights trained there
// and here see the same inputs. It panics if the lengths differ.
func Normalize(dst []float64, pixels []uint8, mean, std float64) {
	if len(dst) != len(pixels) {
		panic(fmt.Sprintf("datasets: Normalize: len(dst) = %d, len(pixels) = %d", len(dst), len(pixels)))
	}
	for i, p := range pixels {
		dst[i] = (float64(p)/255 - mean) / std
	}
}

// Batch returns the images at idx, normalized as by Normalize, as a
// len(idx)×Size() row-major matrix: row k is image idx[k]. It panics if an
// index is out of range.
func (im *Images) Batch(idx []int, mean, std float64) []float64 {
	n := im.Size()
	dst := make([]float64, len(idx)*n)
	for k, i := range idx {
		if i < 0 || i >= im.N {
			panic(fmt.Sprintf("datasets: Batch: index %d out of range [0, %d)", i, im.N))
		}
		Normalize(dst[k*n:(k+1)*n], im.Image(i), mean, std)
	}
	return dst
}

// GatherLabels returns labels[idx[0]], labels[idx[1]], …, the labels that go
// with Images.Batch(idx, …). It panics if an index is out of range.
func GatherLabels(labels []uint8, idx []int) []uint8 {
	out := make([]uint8, len(idx))
	for k, i := range idx {
		out[k] = labels[i]
	}
	return out
}

// BalancedBatches splits the examples into successive balanced batches of perClass
// examples of each class 0, …, classes-1: batch b holds, of every class, the examples
// b·perClass up to (b+1)·perClass-1 in order of appearance, so batch 0 is
// BalancedBatch's. Each batch's indices are ascending. It returns as many complete
// batches as the scarcest class allows, at most n when n > 0; it is an error if not
// even one is complete.
func BalancedBatches(labels []uint8, perClass, classes, n int) ([][]int, error) {
	if perClass <= 0 || classes <= 0 || classes > 256 {
		return nil, fmt.Errorf("datasets: balanced batches of %d per class for %d classes: want positive counts and at most 256 classes", perClass, classes)
	}
	count := make([]int, classes)
	for _, l := range labels {
		if int(l) < classes {
			count[l]++
		}
	}
	nb := len(labels)
	for c, k := range count {
		if k/perClass < nb {
			nb = k / perClass
		}
		if k < perClass {
			return nil, fmt.Errorf("datasets: balanced batches: class %d has %d examples in %d labels, want at least %d", c, k, len(labels), perClass)
		}
	}
	if n > 0 && n < nb {
		nb = n
	}
	out := make([][]int, nb)
	seen := make([]int, classes)
	for i, l := range labels {
		if int(l) >= classes {
			continue
		}
		b := seen[l] / perClass
		seen[l]++
		if b < nb {
			out[b] = append(out[b], i)
		}
	}
	return out, nil
}
