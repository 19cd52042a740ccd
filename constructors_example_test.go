package nnopt_test

import (
	"fmt"

	"github.com/nnopt/nnopt"
)

// Labels and sizes read from a file go through the Add forms, which return an error
// where NewSet and Dims would panic.
func ExampleContainer_AddSet() {
	c := nnopt.NewContainer()
	labels := []string{"cat", "dog", "cow", "dog"} // as read from a file
	if _, err := c.AddSet("animal", labels...); err != nil {
		fmt.Println(err)
	}
	sizes := []int{10, 0} // a layer of width 0 in a corrupt weights file
	if _, err := c.AddDims(sizes...); err != nil {
		fmt.Println(err)
	}
	// Output:
	// nnopt: set "animal": duplicate element "dog" (elements 1 and 3)
	// nnopt: dimensions [10 0]: size 0 at position 1; want a positive size
}
