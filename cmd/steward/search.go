package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"steward.dev/steward/internal/app"
)

const searchUsage = `Usage:
  steward search rebuild [--data DIR] [--database-url URL]

rebuild replaces every document in the search index with what the help
center, questions and courses hold now, one kind of document at a time; a
search meanwhile finds each kind's old documents or its new ones, never a mix.
`

func searchCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "rebuild":
			return searchRebuild(ctx, args[1:], stdout)
		case "-h", "--help", "help":
			fmt.Fprint(stdout, searchUsage)
			return nil
		}
	}
	fmt.Fprint(stdout, searchUsage)
	return fmt.Errorf("unknown search command: %w", errUsage)
}

func searchRebuild(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := newFlagSet("search rebuild", stdout)
	storageFlags(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := app.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	started := time.Now()
	done, err := a.RebuildSearch(ctx)
	for _, r := range done {
		fmt.Fprintf(stdout, "%s: %d documents indexed (%d before)\n", r.Type, r.Indexed, r.Removed)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "search index rebuilt in %s\n", time.Since(started).Round(time.Millisecond))
	return nil
}
