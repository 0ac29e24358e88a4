// Command steward runs the Steward service platform and its housekeeping
// subcommands. Every flag also reads a STEWARD_* environment variable.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Beijing time must work on machines without a zone database
)

const usage = `steward — the standard success service platform

Usage:
  steward serve    [--addr 127.0.0.1:8080] [--data DIR] [--database-url URL] [--demo]
  steward migrate  [--data DIR] [--database-url URL]
  steward user add --email E --name N --role R [--org ORG_ID] [--locale zh-CN|en]   (password on stdin)
  steward backup   FILE [--data DIR]
  steward search rebuild [--data DIR] [--database-url URL]
  steward patch publish --server URL --product P --number N --type T --title-zh T --title-en T FILE...
  steward patch verify  [--server URL] [--keys URL|FILE] FILE
  steward license verify [--server URL] [--keys URL|FILE] [--revoked URL|FILE] FILE
  steward version

Run "steward COMMAND --help" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	slog.SetDefault(logger)
	// --help prints the command's flags; that is not a failure.
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, logger); err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "steward:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("see steward --help")

func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer, logger *slog.Logger) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, logger)
	case "migrate":
		return migrate(ctx, args[1:], stdout)
	case "user":
		if len(args) < 2 || args[1] != "add" {
			return fmt.Errorf("unknown user command; try: steward user add --help: %w", errUsage)
		}
		return userAdd(ctx, args[2:], stdin, stdout)
	case "backup":
		return backup(ctx, args[1:], stdout)
	case "search":
		return searchCommand(ctx, args[1:], stdout)
	case "patch":
		return patchCommand(ctx, args[1:], stdout)
	case "license":
		return licenseCommand(ctx, args[1:], stdout)
	case "version":
		fmt.Fprintln(stdout, "steward", version())
		return nil
	}
	return fmt.Errorf("unknown command %q: %w", args[0], errUsage)
}
