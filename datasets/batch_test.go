package datasets_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/nnopt/nnopt/datasets"
)

func TestBalancedBatch(t *testing.T) {
	labels := []uint8{2, 0, 0, 1, 2, 0, 3, 1, 1, 2}
	tests := []struct {
		perClass, classes int
		want              []int
		err               string
	}{
		{1, 3, []int{0, 1, 3}, ""},
		{2, 3, []int{0, 1, 2, 3, 4, 7}, ""},
		{1, 4, []int{0, 1, 3, 6}, ""},
		{2, 2, []int{1, 2, 3, 7}, ""}, // labels 2 and 3 skipped
		{2, 4, nil, "class 3 has 1 examples in 10 labels, want 2"},
		{4, 3, nil, "class 0 has 3 examples"},
		{1 << 62, 3, nil, "class 0 has 3 examples"},
		{0, 3, nil, "positive"},
		{1, 0, nil, "positive"},
		{1, 300, nil, "at most 256"},
	}
	for _, tt := range tests {
		got, err := datasets.BalancedBatch(labels, tt.perClass, tt.classes)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("BalancedBatch(%d, %d): err = %v, want %q", tt.perClass, tt.classes, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("BalancedBatch(%d, %d) = %v, %v; want %v", tt.perClass, tt.classes, got, err, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	pixels := []uint8{0, 255, 51}
	dst := make([]float64, 3)
	datasets.Normalize(dst, pixels, 0.5, 0.5)
	want := []float64{-1, 1, (0.2 - 0.5) / 0.5}
	for i := range want {
		if d := dst[i] - want[i]; d > 1e-15 || d < -1e-15 {
			t.Errorf("dst[%d] = %v, want %v", i, dst[i], want[i])
		}
	}
}

func TestBatch(t *testing.T) {
	im := &datasets.Images{N: 3, Rows: 1, Cols: 2, Pixels: []uint8{0, 255, 51, 102, 255, 0}}
	got := im.Batch([]int{2, 0}, 0, 1)
	want := []float64{1, 0, 0, 1}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Batch = %v, want %v", got, want)
	}
	if got := datasets.GatherLabels([]uint8{7, 8, 9}, []int{2, 0}); !reflect.DeepEqual(got, []uint8{9, 7}) {
		t.Errorf("GatherLabels = %v", got)
	}
}

func ExampleBalancedBatch() {
	labels := []uint8{1, 0, 1, 1, 2, 0, 2, 0}
	idx, err := datasets.BalancedBatch(labels, 2, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(idx)
	fmt.Println(datasets.GatherLabels(labels, idx))

	_, err = datasets.BalancedBatch(labels, 3, 3)
	fmt.Println(err)
	// Output:
	// [0 1 2 4 5 6]
	// [1 0 1 2 0 2]
	// datasets: balanced batch: class 2 has 2 examples in 8 labels, want 3
}

func TestBalancedBatches(t *testing.T) {
	labels := []uint8{0, 1, 1, 0, 2, 0, 1, 2, 2, 0, 1}
	got, err := datasets.BalancedBatches(labels, 1, 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]int{{0, 1, 4}, {2, 3, 7}, {5, 6, 8}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("BalancedBatches = %v, want %v", got, want)
	}
	first, _ := datasets.BalancedBatch(labels, 1, 3)
	if fmt.Sprint(first) != fmt.Sprint(got[0]) {
		t.Errorf("batch 0 %v differs from BalancedBatch %v", got[0], first)
	}
	if got, _ := datasets.BalancedBatches(labels, 1, 3, 2); len(got) != 2 {
		t.Errorf("n = 2: %d batches", len(got))
	}
	if _, err := datasets.BalancedBatches(labels, 4, 3, 0); err == nil || !strings.Contains(err.Error(), "class 2 has 3") {
		t.Errorf("perClass 4: %v", err)
	}
	if _, err := datasets.BalancedBatches(labels, 0, 3, 0); err == nil {
		t.Error("perClass 0: no error")
	}
}
