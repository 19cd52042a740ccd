package main

import (
	"context"
	"testing"
	"time"

	"github.com/nnopt/nnopt"
	"github.com/nnopt/nnopt/remote"
)

func TestEngine(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-workers", "1", "-grace", "1s"}, func(url string, _ int) { urls <- url })
	}()
	var url string
	select {
	case url = <-urls:
	case err := <-done:
		t.Fatal(err)
	case <-time.After(30 * time.Second):
		t.Fatal("the engine did not start")
	}
	c, err := remote.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	cn := nnopt.NewContainer()
	x := cn.NewVariable("x", nnopt.Free)
	obj := cn.NewVariable("obj", nnopt.Free)
	if err := cn.NewEquation("def").Define(nnopt.Eq(obj, nnopt.Sqr(nnopt.Sub(x, nnopt.Const(3))))); err != nil {
		t.Fatal(err)
	}
	m, err := cn.NewModel("m", nnopt.ModelSpec{Equations: cn.Equations(), Problem: nnopt.NLP, Sense: nnopt.Minimize, Objective: obj})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Solve(ctx, m, nnopt.Options{}); err != nil {
		t.Fatal(err)
	}
	if x.L[0] < 3-1e-6 || x.L[0] > 3+1e-6 {
		t.Fatalf("x = %v, want 3", x.L[0])
	}
	c.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"-listen", "nonsense"}, nil); err == nil {
		t.Fatal("-listen nonsense accepted")
	}
}
