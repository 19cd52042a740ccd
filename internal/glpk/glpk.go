// Package glpk runs the GLPK solver glpsol (Debian glpk-utils) on LP and MPS files
// that nnopt writes and reads its solution by row and column name, so that tests and
// benchmarks can cross-check nnopt against an independent solver.
package glpk

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// Solution is glpsol's raw solution (its -w output), keyed by the row and column
// names of the file.
type Solution struct {
	// Status is the primal and dual status letters of a basic solution ("ff" is
	// feasible and dual feasible), or the MIP status letter.
	Status    string
	MIP       bool
	Objective float64
	RowPrimal map[string]float64
	RowDual   map[string]float64 // basic solutions only
	ColPrimal map[string]float64
	ColDual   map[string]float64 // basic solutions only
}

// Path returns glpsol's path, or an error saying how to install it.
func Path() (string, error) {
	p, err := exec.LookPath("glpsol")
	if err != nil {
		return "", fmt.Errorf("glpsol is not on PATH (Debian: apt-get install glpk-utils)")
	}
	return p, nil
}

// Solve runs glpsol on path, given in format "--lp" or "--freemps" (with extra
// options), and reads the raw solution it writes next to the file, with the names
// from its GLPK-format copy of the problem (--wglp).
func Solve(path, format string, extra ...string) (*Solution, error) {
	glpsol, err := Path()
	if err != nil {
		return nil, err
	}
	raw, names := path+".sol", path+".glp"
	args := append([]string{format, path, "-w", raw, "--wglp", names}, extra...)
	if out, err := exec.Command(glpsol, args...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("glpsol %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	text, err := os.ReadFile(names)
	if err != nil {
		return nil, err
	}
	rowName, colName := map[int]string{}, map[int]string{}
	for _, line := range strings.Split(string(text), "\n") {
		f := strings.Fields(line)
		if len(f) == 4 && f[0] == "n" && (f[1] == "i" || f[1] == "j") {
			k, err := strconv.Atoi(f[2])
			if err != nil {
				return nil, fmt.Errorf("%s: bad name line %q", names, line)
			}
			map[string]map[int]string{"i": rowName, "j": colName}[f[1]][k] = f[3]
		}
	}
	if text, err = os.ReadFile(raw); err != nil {
		return nil, err
	}
	s := &Solution{RowPrimal: map[string]float64{}, RowDual: map[string]float64{}, ColPrimal: map[string]float64{}, ColDual: map[string]float64{}}
	var bad error
	num := func(x string) float64 {
		v, err := strconv.ParseFloat(x, 64)
		if err != nil && bad == nil {
			bad = fmt.Errorf("%s: %v", raw, err)
		}
		return v
	}
	index := func(x string) int {
		k, err := strconv.Atoi(x)
		if err != nil && bad == nil {
			bad = fmt.Errorf("%s: %v", raw, err)
		}
		return k
	}
	for _, line := range strings.Split(string(text), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
		case f[0] == "s" && len(f) >= 7 && f[1] == "bas": // s bas rows cols primal-status dual-status objective
			s.Status, s.Objective = f[4]+f[5], num(f[6])
		case f[0] == "s" && len(f) >= 6 && f[1] == "mip": // s mip rows cols status objective
			s.MIP, s.Status, s.Objective = true, f[4], num(f[5])
		case f[0] == "i" && !s.MIP && len(f) == 5: // i row status primal dual
			k := index(f[1])
			s.RowPrimal[rowName[k]], s.RowDual[rowName[k]] = num(f[3]), num(f[4])
		case f[0] == "j" && !s.MIP && len(f) == 5: // j col status primal dual
			k := index(f[1])
			s.ColPrimal[colName[k]], s.ColDual[colName[k]] = num(f[3]), num(f[4])
		case f[0] == "i" && len(f) == 3: // i row value (MIP)
			s.RowPrimal[rowName[index(f[1])]] = num(f[2])
		case f[0] == "j" && len(f) == 3:
			s.ColPrimal[colName[index(f[1])]] = num(f[2])
		}
	}
	return s, bad
}
