package datasets

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Base names of the four MNIST files. Each may be stored gzip-compressed, with
// a ".gz" suffix, or raw. Fashion-MNIST uses the same names.
const (
	TrainImagesFile = "train-images-idx3-ubyte"
	TrainLabelsFile = "train-labels-idx1-ubyte"
	TestImagesFile  = "t10k-images-idx3-ubyte"
	TestLabelsFile  = "t10k-labels-idx1-ubyte"
)

// NumClasses is the number of label values in MNIST and Fashion-MNIST.
const NumClasses = 10

// Images is a set of equally sized grayscale images.
type Images struct {
	// N is the number of images, Rows×Cols the size of each.
	N, Rows, Cols int
	// Pixels holds the images one after the other, each in row-major order:
	// pixel (r, c) of image i is Pixels[(i*Rows+r)*Cols+c]. Values run from
	// 0 (background) to 255 (ink).
	Pixels []uint8
}

// Size returns the number of pixels in one image.
func (im *Images) Size() int { return im.Rows * im.Cols }

// Image returns the pixels of image i, sharing storage with im.Pixels.
func (im *Images) Image(i int) []uint8 {
	n := im.Size()
	return im.Pixels[i*n : (i+1)*n : (i+1)*n]
}

// Split is one part of a data set, training or test: images and their labels,
// in the same order.
type Split struct {
	Images Images
	Labels []uint8
}

// MNIST holds the training and test splits of MNIST or Fashion-MNIST.
type MNIST struct {
	Train, Test Split
}

// LoadMNIST reads the four MNIST files from dir; see LoadSplit.
func LoadMNIST(dir string) (*MNIST, error) {
	train, err := LoadSplit(dir, true)
	if err != nil {
		return nil, err
	}
	test, err := LoadSplit(dir, false)
	if err != nil {
		return nil, err
	}
	return &MNIST{Train: *train, Test: *test}, nil
}

// LoadSplit reads the training split (train-* files) or the test split
// (t10k-* files) from dir, so that a run that needs only one of them does not
// pay for reading the other. Each file is taken from name.gz if present, else
// from the raw name.
//
// The image file must hold a 3-D array of unsigned bytes and the label file a
// 1-D one, with the same number of items, and every label must be below
// NumClasses; the number of items is whatever the headers say.
func LoadSplit(dir string, train bool) (*Split, error) {
	imagesName, labelsName := TestImagesFile, TestLabelsFile
	if train {
		imagesName, labelsName = TrainImagesFile, TrainLabelsFile
	}
	imagesPath, err := findFile(dir, imagesName)
	if err != nil {
		return nil, err
	}
	labelsPath, err := findFile(dir, labelsName)
	if err != nil {
		return nil, err
	}

	images, err := readArray(imagesPath, 3)
	if err != nil {
		return nil, err
	}
	labels, err := readArray(labelsPath, 1)
	if err != nil {
		return nil, err
	}
	if images.Dims[0] != labels.Dims[0] {
		return nil, fmt.Errorf("datasets: %s holds %d images but %s holds %d labels",
			imagesPath, images.Dims[0], labelsPath, labels.Dims[0])
	}
	for i, l := range labels.Data {
		if l >= NumClasses {
			return nil, fmt.Errorf("datasets: %s: label %d of item %d is out of range [0, %d)", labelsPath, l, i, NumClasses)
		}
	}
	return &Split{
		Images: Images{N: images.Dims[0], Rows: images.Dims[1], Cols: images.Dims[2], Pixels: images.Data},
		Labels: labels.Data,
	}, nil
}

// readArray reads the IDX file at path, which must hold an unsigned-byte
// array of ndim dimensions.
func readArray(path string, ndim int) (*IDX, error) {
	return readIDXFile(path, idxWant{typ: TypeUint8, rank: ndim})
}

// findFile returns the path of name.gz or, failing that, name in dir.
func findFile(dir, name string) (string, error) {
	for _, p := range []string{filepath.Join(dir, name+".gz"), filepath.Join(dir, name)} {
		fi, err := os.Stat(p)
		if err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("datasets: %w", err)
		}
	}
	return "", fmt.Errorf("datasets: %s: neither %s.gz nor %s found: %w", dir, name, name, fs.ErrNotExist)
}

// missingFiles returns the base names of the MNIST files that dir lacks,
// in neither form; none means dir holds MNIST.
func missingFiles(dir string) []string {
	var missing []string
	for _, name := range []string{TrainImagesFile, TrainLabelsFile, TestImagesFile, TestLabelsFile} {
		if _, err := findFile(dir, name); err != nil {
			missing = append(missing, name)
		}
	}
	return missing
}
