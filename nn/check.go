package nn

import (
	"fmt"
	"maps"
	"math"
	"slices"
)

// CheckFinite reports the first value, in key order, of a state dict that is NaN
// or infinite, naming its tensor and element: such a weight makes every output
// NaN, and any model built on it meaningless. It returns nil when all are finite.
func CheckFinite(sd map[string]Tensor) error {
	for _, k := range slices.Sorted(maps.Keys(sd)) {
		for i, v := range sd[k].Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("tensor %q element %d is %g", k, i, v)
			}
		}
	}
	return nil
}
