//go:build (darwin || freebsd || linux || netbsd) && (cgo || !(android || freebsd || ios || s390x))

package coin

import (
	"strings"
	"testing"
)

func TestMissingLibrary(t *testing.T) {
	t.Setenv("NNOPT_TESTLIB", "")
	_, err := openLibrary("Cbc's C interface (libCbcSolver)", "NNOPT_TESTLIB", "coinor-libcbc3", []string{"/nonexistent/libCbcSolver.so.3"}, (&cbcLib{}).symbols)
	if err == nil || !strings.Contains(err.Error(), "apt-get install coinor-libcbc3") || !strings.Contains(err.Error(), "NNOPT_TESTLIB") {
		t.Errorf("error %v, want one naming the package and the variable", err)
	}
	t.Setenv("NNOPT_TESTLIB", "/nonexistent/libClp.so.1")
	_, err = openLibrary("Clp's C interface (libClp)", "NNOPT_TESTLIB", "coinor-libclp1", []string{"libClp.so.1"}, (&clpLib{}).symbols)
	if err == nil || !strings.Contains(err.Error(), "NNOPT_TESTLIB") || !strings.Contains(err.Error(), "/nonexistent/libClp.so.1") {
		t.Errorf("error %v, want one naming the variable's file", err)
	}
}
