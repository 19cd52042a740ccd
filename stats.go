package nnopt

import "github.com/nnopt/nnopt/internal/engine"

// Statistics are the model statistics a solver reports before it starts: counted
// from the equations' index patterns (engine.Stats), so that their cost does not
// grow with the number of rows.
type Statistics = engine.Statistics
