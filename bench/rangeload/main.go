// Command rangeload is the memory test of bench/patches.sh: many clients
// download different ranges of one large file at once, the way download
// managers split a file, while the server's resident memory is sampled.
//
// It samples VmRSS of --pid (and its children: nginx's workers) every
// --every, first for --idle with no traffic, then while --clients
// connections each ask for piece after piece (client i takes pieces i,
// i+clients, i+2·clients, … of --piece bytes, so no two clients read the
// same part at the same time) until --duration has passed and the pieces
// in flight are complete, then for --idle again. Every answer must be a 206
// with the Content-Range asked for and exactly that many bytes.
//
// It prints one line of key=value figures (idle, peak and after in KiB,
// bytes, seconds, requests) and writes every sample to --samples. A shell
// loop cannot sample this often on a busy machine: it forks too much.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type headerFlag []string

func (h *headerFlag) String() string     { return strings.Join(*h, ", ") }
func (h *headerFlag) Set(v string) error { *h = append(*h, v); return nil }

func main() {
	url := flag.String("url", "", "the file's URL (a signed link, or nginx's path)")
	var headers headerFlag
	flag.Var(&headers, "H", `request header "Name: value" (repeatable)`)
	size := flag.Int64("size", 0, "the file's size in bytes")
	clients := flag.Int("clients", 64, "concurrent connections")
	piece := flag.Int64("piece", 4<<20, "bytes per request")
	duration := flag.Duration("duration", 15*time.Second, "how long new pieces are asked for")
	pid := flag.Int("pid", 0, "server process whose VmRSS (with its children's) is sampled")
	every := flag.Duration("every", 100*time.Millisecond, "sampling interval")
	idle := flag.Duration("idle", 3*time.Second, "sampling time with no traffic, before and after")
	samples := flag.String("samples", "", "file for every sample: seconds since start, phase, KiB")
	flag.Parse()
	if *url == "" || *size <= 0 || *pid <= 0 || *clients <= 0 || *piece <= 0 {
		fmt.Fprintln(os.Stderr, "rangeload: --url, --size, --pid, --clients and --piece are required")
		os.Exit(2)
	}
	if err := run(*url, headers, *size, *clients, *piece, *duration, *pid, *every, *idle, *samples); err != nil {
		fmt.Fprintln(os.Stderr, "rangeload:", err)
		os.Exit(1)
	}
}

type sample struct {
	at    time.Duration
	phase string
	kib   int64
}

func run(url string, headers []string, size int64, clients int, piece int64, duration time.Duration, pid int, every, idle time.Duration, samplesPath string) error {
	start := time.Now()
	var phase atomic.Value
	phase.Store("idle")
	var (
		mu  sync.Mutex
		all []sample
	)
	stopSampling := make(chan struct{})
	sampled := make(chan error, 1)
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			kib, err := rssKiB(pid)
			if err != nil {
				sampled <- err
				return
			}
			mu.Lock()
			all = append(all, sample{time.Since(start), phase.Load().(string), kib})
			mu.Unlock()
			select {
			case <-stopSampling:
				sampled <- nil
				return
			case <-t.C:
			}
		}
	}()

	time.Sleep(idle)
	phase.Store("load")
	loadStart := time.Now()
	served, requests, loadErr := load(url, headers, size, clients, piece, loadStart.Add(duration))
	loadTime := time.Since(loadStart)
	phase.Store("after")
	time.Sleep(idle)
	close(stopSampling)
	if err := <-sampled; err != nil {
		return err
	}
	if loadErr != nil {
		return loadErr
	}

	var idleKiB, peakKiB, afterKiB int64
	var out bytes.Buffer
	for _, s := range all {
		fmt.Fprintf(&out, "%.3f %s %d\n", s.at.Seconds(), s.phase, s.kib)
		switch s.phase {
		case "idle":
			idleKiB = s.kib // the last one before the load
		case "load":
			peakKiB = max(peakKiB, s.kib)
		case "after":
			peakKiB = max(peakKiB, s.kib) // memory that grows once the load is over counts too
			afterKiB = s.kib
		}
	}
	if samplesPath != "" {
		if err := os.WriteFile(samplesPath, out.Bytes(), 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("idle_kib=%d peak_kib=%d after_kib=%d bytes=%d seconds=%.3f requests=%d samples=%d\n",
		idleKiB, peakKiB, afterKiB, served, loadTime.Seconds(), requests, len(all))
	return nil
}

// load runs the clients until the deadline and returns the bytes received
// and the requests completed; the first wrong answer stops it.
func load(url string, headers []string, size int64, clients int, piece int64, deadline time.Time) (int64, int64, error) {
	transport := &http.Transport{MaxIdleConnsPerHost: clients, DisableCompression: true, ReadBufferSize: 64 << 10}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	pieces := (size + piece - 1) / piece
	var served, requests atomic.Int64
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			buf := make([]byte, 256<<10)
			for k := int64(c); time.Now().Before(deadline) && ctx.Err() == nil; k += int64(clients) {
				first := (k % pieces) * piece
				last := min(first+piece, size) - 1
				n, err := fetch(ctx, client, url, headers, first, last, size, buf)
				served.Add(n)
				if err != nil {
					cancel(err)
					return
				}
				requests.Add(1)
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return served.Load(), requests.Load(), err
	}
	return served.Load(), requests.Load(), nil
}

// onlyWrite hides io.Discard's ReaderFrom, so that io.CopyBuffer reads into
// our large buffer rather than io.Discard's small ones.
type onlyWrite struct{ io.Writer }

func fetch(ctx context.Context, client *http.Client, url string, headers []string, first, last, size int64, buf []byte) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", first, last))
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	want := fmt.Sprintf("bytes %d-%d/%d", first, last, size)
	if resp.StatusCode != http.StatusPartialContent || resp.Header.Get("Content-Range") != want {
		return 0, fmt.Errorf("asked for %s: HTTP %d, Content-Range %q", want, resp.StatusCode, resp.Header.Get("Content-Range"))
	}
	n, err := io.CopyBuffer(onlyWrite{io.Discard}, resp.Body, buf)
	if err == nil && n != last-first+1 {
		err = fmt.Errorf("asked for %s: got %d bytes", want, n)
	}
	return n, err
}

// rssKiB is VmRSS of pid and of its children, in KiB.
func rssKiB(pid int) (int64, error) {
	pids := []string{strconv.Itoa(pid)}
	if children, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid)); err == nil {
		pids = append(pids, strings.Fields(string(children))...)
	}
	var total int64
	for i, p := range pids {
		kib, err := vmRSS(p)
		if err != nil && i == 0 {
			return 0, err
		}
		total += kib // a child that has just exited counts as 0
	}
	return total, nil
}

func vmRSS(pid string) (int64, error) {
	f, err := os.Open("/proc/" + pid + "/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%s/status", pid)
}
