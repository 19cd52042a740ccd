package nn

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
)

// evalChunk is the number of samples that Predict and Accuracy push
// through the network at a time, bounding the memory of the intermediate
// activations independently of the data set size.
const evalChunk = 1000

// Sequential applies its layers in order, like PyTorch's nn.Sequential.
// The index of a layer in Layers is its name in the state dict, so a
// network built with the same layers in the same order as a PyTorch model
// exchanges weights with it directly.
type Sequential struct {
	Layers []Layer
}

// OutSize returns the number of values per sample that the network
// produces from in values per sample.
func (s *Sequential) OutSize(in int) (int, error) {
	for i, l := range s.Layers {
		if l == nil {
			return 0, fmt.Errorf("nn: layer %d is nil", i)
		}
		var err error
		if in, err = l.OutSize(in); err != nil {
			return 0, fmt.Errorf("nn: layer %d (%T): %w", i, l, err)
		}
	}
	return in, nil
}

// Forward runs the network on a batch of batch > 0 samples held as rows of
// len(x)/batch values in x, and returns the batch rows of outputs in a
// new slice. x is not modified.
func (s *Sequential) Forward(x []float64, batch int) ([]float64, error) {
	var buf [2][]float64
	out, err := s.forward(x, batch, &buf)
	if err != nil {
		return nil, err
	}
	if len(s.Layers) == 0 {
		out = slices.Clone(out)
	}
	return out, nil
}

// forward runs the network, alternating between the two buffers in buf
// (growing them as needed) so that repeated calls reuse memory. The result
// aliases x (when there are no layers) or one of the buffers.
func (s *Sequential) forward(x []float64, batch int, buf *[2][]float64) ([]float64, error) {
	if batch <= 0 {
		return nil, fmt.Errorf("nn: batch=%d must be positive", batch)
	}
	if len(x)%batch != 0 {
		return nil, fmt.Errorf("nn: len(x)=%d is not a multiple of batch=%d", len(x), batch)
	}
	cur := x
	for i, l := range s.Layers {
		if l == nil {
			return nil, fmt.Errorf("nn: layer %d is nil", i)
		}
		out, err := l.OutSize(len(cur) / batch)
		if err != nil {
			return nil, fmt.Errorf("nn: layer %d (%T): %w", i, l, err)
		}
		if out > 0 && batch > math.MaxInt/out {
			return nil, fmt.Errorf("nn: layer %d (%T): output of %d*%d values is too large", i, l, batch, out)
		}
		b := &buf[i%2]
		if cap(*b) < batch*out {
			*b = make([]float64, batch*out)
		}
		dst := (*b)[:batch*out]
		if err := l.Forward(dst, cur, batch); err != nil {
			return nil, fmt.Errorf("nn: layer %d (%T): %w", i, l, err)
		}
		cur = dst
	}
	return cur, nil
}

// Predict returns, for each of the batch samples in x, the index of the
// largest network output (the predicted class); ties go to the lowest
// index and NaN outputs are never chosen over a number. Samples are
// processed in chunks, so memory does not grow with batch beyond x and
// the result.
func (s *Sequential) Predict(x []float64, batch int) ([]int, error) {
	pred := make([]int, 0, max(batch, 0))
	err := s.eachChunk(x, batch, func(out []float64, n int) {
		pred = appendArgmax(pred, out, n)
	})
	if err != nil {
		return nil, err
	}
	return pred, nil
}

// Accuracy returns the fraction of the batch samples in x whose predicted
// class (see Predict) equals the label, a value in [0, 1]. labels must
// have one entry per sample.
func (s *Sequential) Accuracy(x []float64, labels []uint8, batch int) (float64, error) {
	if batch > 0 && len(labels) != batch {
		return 0, fmt.Errorf("nn: len(labels)=%d, want batch=%d", len(labels), batch)
	}
	var (
		correct int
		done    int
		pred    []int
	)
	err := s.eachChunk(x, batch, func(out []float64, n int) {
		pred = appendArgmax(pred[:0], out, n)
		for i, p := range pred {
			if p == int(labels[done+i]) {
				correct++
			}
		}
		done += n
	})
	if err != nil {
		return 0, err
	}
	return float64(correct) / float64(batch), nil
}

// eachChunk runs the network on x in chunks of at most evalChunk samples
// and calls fn with the outputs of each chunk of n samples, in order.
func (s *Sequential) eachChunk(x []float64, batch int, fn func(out []float64, n int)) error {
	if batch <= 0 {
		return fmt.Errorf("nn: batch=%d must be positive", batch)
	}
	if len(x)%batch != 0 {
		return fmt.Errorf("nn: len(x)=%d is not a multiple of batch=%d", len(x), batch)
	}
	in := len(x) / batch
	if out, err := s.OutSize(in); err != nil {
		return err
	} else if out == 0 {
		return errors.New("nn: network has no outputs to predict from")
	}
	var buf [2][]float64
	for start := 0; start < batch; start += evalChunk {
		n := min(evalChunk, batch-start)
		out, err := s.forward(x[start*in:(start+n)*in], n, &buf)
		if err != nil {
			return err
		}
		fn(out, n)
	}
	return nil
}

// appendArgmax appends the argmax of each of the n rows of out to dst.
func appendArgmax(dst []int, out []float64, n int) []int {
	k := len(out) / n
	for r := 0; r < n; r++ {
		row := out[r*k : (r+1)*k]
		best := 0
		for j, v := range row {
			if v > row[best] || math.IsNaN(row[best]) && !math.IsNaN(v) {
				best = j
			}
		}
		dst = append(dst, best)
	}
	return dst
}

// StateDict returns copies of the network's parameters under PyTorch's
// names, "<index in Layers>.<parameter>" such as "1.weight", with PyTorch's
// shapes (a Linear weight is Out×In). Layers without parameters contribute
// nothing. The tensors are marked F64 so that saving them loses nothing;
// set DType to F32 before saving for a file in PyTorch's default precision
// (load_state_dict converts either way).
func (s *Sequential) StateDict() map[string]Tensor {
	sd := make(map[string]Tensor)
	for i, l := range s.Layers {
		p, ok := l.(parametrized)
		if !ok {
			continue
		}
		for _, q := range p.params() {
			sd[strconv.Itoa(i)+"."+q.name] = Tensor{
				DType: F64,
				Shape: slices.Clone(q.shape),
				Data:  slices.Clone(*q.data),
			}
		}
	}
	return sd
}

// LoadStateDict copies parameters from sd, keyed and shaped as StateDict
// returns them, into the network's layers, like PyTorch's strict
// load_state_dict. The layers must already have their sizes set (In and
// Out for Linear). A nil Linear Weight is allocated, but a nil Bias means
// the layer has no bias and so expects no "bias" key.
//
// Every key and shape is checked before anything is copied, so on error
// the network is unchanged. The error lists every problem: missing keys,
// unexpected keys, and shape mismatches with the expected and given shape.
// A Linear weight saved transposed is named as such, also when the network's
// sizes were read from sd and so fit it (see transposedInDict). The DType of
// the tensors is ignored.
func (s *Sequential) LoadStateDict(sd map[string]Tensor) error {
	type target struct {
		key string
		p   param
		t   Tensor
	}
	var (
		targets []target
		errs    []error
		known   = make(map[string]bool)
	)
	transposed := s.transposedInDict(sd)
	for i, l := range s.Layers {
		p, ok := l.(parametrized)
		if !ok {
			continue
		}
		for _, q := range p.params() {
			key := strconv.Itoa(i) + "." + q.name
			known[key] = true
			t, ok := sd[key]
			switch {
			case !ok:
				errs = append(errs, fmt.Errorf("missing key %q (shape %v)", key, q.shape))
			case transposed[key] != nil:
				errs = append(errs, transposed[key])
			case !slices.Equal(t.Shape, q.shape):
				hint := ""
				if len(t.Shape) == 2 && slices.Equal(t.Shape, []int{q.shape[1], q.shape[0]}) {
					hint = " (transposed: saved as [in, out] rather than PyTorch's [out, in])"
				}
				errs = append(errs, fmt.Errorf("key %q: shape mismatch: want %v, got %v%s", key, q.shape, t.Shape, hint))
			default:
				if n, err := t.Elements(); err != nil || n != len(t.Data) {
					errs = append(errs, fmt.Errorf("key %q: shape %v does not match len(Data)=%d", key, t.Shape, len(t.Data)))
					continue
				}
				targets = append(targets, target{key, q, t})
			}
		}
	}
	var unexpected []string
	for key := range sd {
		if !known[key] {
			unexpected = append(unexpected, key)
		}
	}
	sort.Strings(unexpected)
	for _, key := range unexpected {
		errs = append(errs, fmt.Errorf("unexpected key %q", key))
	}
	if len(errs) > 0 {
		return fmt.Errorf("nn: LoadStateDict: %w", errors.Join(errs...))
	}
	for _, tg := range targets {
		if len(*tg.p.data) == len(tg.t.Data) {
			copy(*tg.p.data, tg.t.Data)
		} else {
			*tg.p.data = slices.Clone(tg.t.Data)
		}
	}
	return nil
}

// transposedInDict finds the Linear weights that sd holds transposed, judged
// by sd alone: the size a weight passes on (Shape[0]), carried through the
// layers in between, must be the size the next Linear weight takes
// (Shape[1]). When it is not, but would be with one of the two weights turned
// round, that weight was saved as [in, out]. Comparing with the network is not enough: a network
// whose sizes were read from sd itself fits the transposed weight and blames
// the next one. The errors are keyed by the state dict key at fault.
func (s *Sequential) transposedInDict(sd map[string]Tensor) map[string]error {
	type weight struct {
		key   string
		layer int
		shape []int
	}
	var (
		prev *weight
		errs = make(map[string]error)
	)
	for i, l := range s.Layers {
		if _, ok := l.(*Linear); !ok {
			continue
		}
		key := strconv.Itoa(i) + ".weight"
		t, ok := sd[key]
		if !ok || len(t.Shape) != 2 {
			prev = nil
			continue
		}
		cur := &weight{key, i, t.Shape}
		if prev != nil && prev.shape[0] != prev.shape[1] && cur.shape[0] != cur.shape[1] {
			out, okOut := s.carry(prev.shape[0], prev.layer+1, i)
			other, okOther := s.carry(prev.shape[1], prev.layer+1, i)
			switch {
			case !okOut || !okOther || out == cur.shape[1]:
			case other == cur.shape[1]:
				errs[prev.key] = fmt.Errorf("key %q: shape mismatch: want %v, got %v (transposed: saved as [in, out] rather than PyTorch's [out, in]; key %q after it, of shape %v, takes %d values)",
					prev.key, []int{prev.shape[1], prev.shape[0]}, prev.shape, cur.key, cur.shape, cur.shape[1])
			case out == cur.shape[0]:
				errs[cur.key] = fmt.Errorf("key %q: shape mismatch: want %v, got %v (transposed: saved as [in, out] rather than PyTorch's [out, in]; key %q before it, of shape %v, gives %d values)",
					cur.key, []int{cur.shape[1], cur.shape[0]}, cur.shape, prev.key, prev.shape, out)
			}
		}
		prev = cur
	}
	return errs
}

// carry returns the size that n values per sample become through layers
// from to to-1, and false if a layer cannot take them.
func (s *Sequential) carry(n, from, to int) (int, bool) {
	for _, l := range s.Layers[from:to] {
		if l == nil {
			return 0, false
		}
		var err error
		if n, err = l.OutSize(n); err != nil {
			return 0, false
		}
	}
	return n, true
}
