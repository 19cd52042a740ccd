package coin

import (
	"fmt"
	"sync"
)

// symbol pairs a function variable with the C name it is bound to.
type symbol struct {
	fptr any
	name string
}

// cbcLib holds the entry points of Cbc's C interface (Cbc_C_Interface.h,
// Cbc 2.10). A model is an opaque C pointer, kept as a uintptr: it points to
// C memory, which Go's collector neither moves nor frees. CoinBigIndex, the
// type of the column starts, is a C int in Debian's build (COIN_BIG_INDEX 0).
type cbcLib struct {
	path, version string

	getVersion func() string

	modelFuncs
	setInteger  func(m uintptr, col int32)
	addSOS      func(m uintptr, numSets int32, starts, cols *int32, weights *float64, typ int32)
	setLogLevel func(m uintptr, level int32)
	setParam    func(m uintptr, name, value string)
	setMIPStart func(m uintptr, count int32, cols *int32, values *float64)
	registerCB  func(m uintptr, cb uintptr)
	addCutCB    func(m uintptr, cb uintptr, name string, appData uintptr)
	solve       func(m uintptr) int32

	// In a cut callback: the node's LP (an OsiSolverInterface) and the cuts.
	osiNumCols     func(osi uintptr) int32
	osiColSolution func(osi uintptr) *float64
	addRowCut      func(cuts uintptr, nz int32, idx *int32, coef *float64, sense byte, rhs float64)

	colSolution     func(m uintptr) *float64
	bestSolution    func(m uintptr) *float64
	objValue        func(m uintptr) float64
	bestPossible    func(m uintptr) float64
	nodeCount       func(m uintptr) int32
	iterationCount  func(m uintptr) int32
	status          func(m uintptr) int32
	secondaryStatus func(m uintptr) int32
	provenOptimal   func(m uintptr) int32
	provenInfeas    func(m uintptr) int32
	contUnbounded   func(m uintptr) int32
	abandoned       func(m uintptr) int32
}

func (l *cbcLib) symbols() []symbol {
	return []symbol{
		{&l.getVersion, "Cbc_getVersion"},
		{&l.newModel, "Cbc_newModel"},
		{&l.deleteModel, "Cbc_deleteModel"},
		{&l.loadProblem, "Cbc_loadProblem"},
		{&l.setObjSense, "Cbc_setObjSense"},
		{&l.setInteger, "Cbc_setInteger"},
		{&l.addSOS, "Cbc_addSOS"},
		{&l.setLogLevel, "Cbc_setLogLevel"},
		{&l.setParam, "Cbc_setParameter"},
		{&l.setMIPStart, "Cbc_setMIPStartI"},
		{&l.registerCB, "Cbc_registerCallBack"},
		{&l.addCutCB, "Cbc_addCutCallback"},
		{&l.solve, "Cbc_solve"},
		{&l.osiNumCols, "Osi_getNumCols"},
		{&l.osiColSolution, "Osi_getColSolution"},
		{&l.addRowCut, "OsiCuts_addRowCut"},
		{&l.colSolution, "Cbc_getColSolution"},
		{&l.bestSolution, "Cbc_bestSolution"},
		{&l.objValue, "Cbc_getObjValue"},
		{&l.bestPossible, "Cbc_getBestPossibleObjValue"},
		{&l.nodeCount, "Cbc_getNodeCount"},
		{&l.iterationCount, "Cbc_getIterationCount"},
		{&l.status, "Cbc_status"},
		{&l.secondaryStatus, "Cbc_secondaryStatus"},
		{&l.provenOptimal, "Cbc_isProvenOptimal"},
		{&l.provenInfeas, "Cbc_isProvenInfeasible"},
		{&l.contUnbounded, "Cbc_isContinuousUnbounded"},
		{&l.abandoned, "Cbc_isAbandoned"},
	}
}

// clpLib holds the entry points of Clp's C interface (Clp_C_Interface.h,
// Clp 1.17).
type clpLib struct {
	path, version string

	clpVersion func() string

	modelFuncs
	setMaxSeconds  func(m uintptr, seconds float64)
	setMaxIters    func(m uintptr, iterations int32)
	setLogLevel    func(m uintptr, level int32)
	registerCB     func(m uintptr, cb uintptr)
	initialSolve   func(m uintptr) int32
	colSolution    func(m uintptr) *float64
	rowActivity    func(m uintptr) *float64
	rowPrice       func(m uintptr) *float64
	reducedCost    func(m uintptr) *float64
	objValue       func(m uintptr) float64
	status         func(m uintptr) int32
	secondary      func(m uintptr) int32
	iterationCount func(m uintptr) int32
	provenOptimal  func(m uintptr) int32
	primalInfeas   func(m uintptr) int32
	dualInfeas     func(m uintptr) int32
	abandoned      func(m uintptr) int32
	primalFeasible func(m uintptr) int32
	chgObj         func(m uintptr, obj *float64)
	primal         func(m uintptr, ifValuesPass int32) int32
}

func (l *clpLib) symbols() []symbol {
	return []symbol{
		{&l.clpVersion, "Clp_Version"},
		{&l.newModel, "Clp_newModel"},
		{&l.deleteModel, "Clp_deleteModel"},
		{&l.loadProblem, "Clp_loadProblem"},
		{&l.setObjSense, "Clp_setObjSense"},
		{&l.setMaxSeconds, "Clp_setMaximumSeconds"},
		{&l.setMaxIters, "Clp_setMaximumIterations"},
		{&l.setLogLevel, "Clp_setLogLevel"},
		{&l.registerCB, "Clp_registerCallBack"},
		{&l.initialSolve, "Clp_initialSolve"},
		{&l.colSolution, "Clp_getColSolution"},
		{&l.rowActivity, "Clp_getRowActivity"},
		{&l.rowPrice, "Clp_getRowPrice"},
		{&l.reducedCost, "Clp_getReducedCost"},
		{&l.objValue, "Clp_objectiveValue"},
		{&l.status, "Clp_status"},
		{&l.secondary, "Clp_secondaryStatus"},
		{&l.iterationCount, "Clp_getIterationCount"},
		{&l.provenOptimal, "Clp_isProvenOptimal"},
		{&l.primalInfeas, "Clp_isProvenPrimalInfeasible"},
		{&l.dualInfeas, "Clp_isProvenDualInfeasible"},
		{&l.abandoned, "Clp_isAbandoned"},
		{&l.primalFeasible, "Clp_primalFeasible"},
		{&l.chgObj, "Clp_chgObjCoefficients"},
		{&l.primal, "Clp_primal"},
	}
}

var (
	cbcLoaded = sync.OnceValues(loadCbc)
	clpLoaded = sync.OnceValues(loadClp)
)

// LoadCbc loads Cbc's C interface on first use and returns the same result
// afterwards: the library's path and version, or an error that lists the
// files tried and names the package to install.
func LoadCbc() (path, version string, err error) {
	l, err := cbcLoaded()
	if err != nil {
		return "", "", err
	}
	return l.path, l.version, nil
}

// LoadClp is LoadCbc for Clp.
func LoadClp() (path, version string, err error) {
	l, err := clpLoaded()
	if err != nil {
		return "", "", err
	}
	return l.path, l.version, nil
}

// modelFuncs are the entry points Cbc's and Clp's C interfaces share in shape:
// making, loading and freeing a model.
type modelFuncs struct {
	newModel    func() uintptr
	deleteModel func(m uintptr)
	loadProblem func(m uintptr, ncols, nrows int32, start, index *int32, value, colLower, colUpper, obj, rowLower, rowUpper *float64)
	setObjSense func(m uintptr, sense float64)
}

// load makes a model of the library named lib and loads c, the C form of p, into
// it in p's sense. The caller frees the model with deleteModel.
func (f *modelFuncs) load(p *LP, c *cProblem, lib string) (uintptr, error) {
	m := f.newModel()
	if m == 0 {
		return 0, fmt.Errorf("coin: %s_newModel returned NULL", lib)
	}
	f.loadProblem(m, c.ncols, c.nrows, ptr(c.start), ptr(c.index), ptr(c.value),
		ptr(c.colLower), ptr(c.colUpper), ptr(c.obj), ptr(c.rowLo), ptr(c.rowUp))
	if p.Maximize {
		f.setObjSense(m, -1)
	}
	return m, nil
}
