package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progress reports how much of a transfer is done: on a terminal a bar
// redrawn in place, elsewhere (a CI log, a file) a plain line every few
// seconds, so logs stay readable.
type progress struct {
	out      io.Writer
	terminal bool
	name     string
	total    int64
	now      func() time.Time

	mu      sync.Mutex
	done    int64
	started time.Time
	shown   time.Time
}

// isTerminal reports whether f is a character device such as a terminal.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func newProgress(out io.Writer, terminal bool, name string, total int64) *progress {
	p := &progress{out: out, terminal: terminal, name: name, total: total, now: time.Now}
	p.started = p.now()
	p.shown = p.started
	return p
}

// interval is how often the report is refreshed.
func (p *progress) interval() time.Duration {
	if p.terminal {
		return 200 * time.Millisecond
	}
	return 5 * time.Second
}

// reader counts the bytes read through r.
func (p *progress) reader(r io.Reader) io.Reader { return &countingReader{r: r, p: p} }

// restart forgets what was sent, for another attempt from the start.
func (p *progress) restart() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = 0
}

func (p *progress) add(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += int64(n)
	if now := p.now(); now.Sub(p.shown) >= p.interval() {
		p.shown = now
		p.show(false)
	}
}

// finish shows the final state and ends the bar's line.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.show(true)
}

func (p *progress) show(final bool) {
	percent := 100
	if p.total > 0 {
		percent = int(p.done * 100 / p.total)
	}
	rate := ""
	if secs := p.now().Sub(p.started).Seconds(); secs > 0 {
		rate = fmt.Sprintf("  %s/s", mebibytes(int64(float64(p.done)/secs)))
	}
	if !p.terminal {
		fmt.Fprintf(p.out, "%s: %d%% (%s of %s)%s\n", p.name, percent, mebibytes(p.done), mebibytes(p.total), rate)
		return
	}
	const width = 30
	filled := width * percent / 100
	bar := strings.Repeat("=", filled) + strings.Repeat(" ", width-filled)
	fmt.Fprintf(p.out, "\r%s [%s] %3d%%  %s / %s%s\033[K", p.name, bar, percent, mebibytes(p.done), mebibytes(p.total), rate)
	if final {
		fmt.Fprintln(p.out)
	}
}

func mebibytes(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

type countingReader struct {
	r io.Reader
	p *progress
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.p.add(n)
	return n, err
}
