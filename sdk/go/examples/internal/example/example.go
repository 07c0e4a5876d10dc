// Package example runs the SDK's example programs the same way, so each program shows only its use
// of the SDK: -h prints the usage, the work gets a deadline, an error is one line on stderr.
package example

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"
)

// Main parses the flags (-h prints usage), requires exactly args positional arguments (exit 2
// otherwise), then runs fn with a deadline of timeout and those arguments. An error from fn is
// printed as "name: error" and exits 1.
func Main(name, usage string, args int, timeout time.Duration, fn func(ctx context.Context, args []string) error) {
	flag.Usage = func() { fmt.Fprintln(flag.CommandLine.Output(), usage) }
	flag.Parse()
	if flag.NArg() != args {
		flag.Usage()
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	err := fn(ctx, flag.Args())
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}
