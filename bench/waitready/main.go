// Command waitready polls a URL until it answers 200 and prints how long that
// took, in milliseconds, since the Unix time in nanoseconds given by --since
// (the moment the server process was started). bench/run.sh uses it to time
// Steward's cold start with a finer grain than a shell loop of curl calls.
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"
)

func main() {
	url := flag.String("url", "", "URL to poll, e.g. http://127.0.0.1:18080/readyz")
	since := flag.Int64("since", 0, "start time, Unix nanoseconds (date +%s%N); now when 0")
	every := flag.Duration("every", 2*time.Millisecond, "poll interval")
	timeout := flag.Duration("timeout", 30*time.Second, "give up after this long")
	flag.Parse()
	if *url == "" {
		fmt.Fprintln(os.Stderr, "waitready: --url is required")
		os.Exit(2)
	}
	start := time.Now()
	if *since > 0 {
		start = time.Unix(0, *since)
	}
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(*timeout)
	for time.Now().Before(deadline) {
		if resp, err := client.Get(*url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				fmt.Printf("%.1f\n", float64(time.Since(start).Microseconds())/1000)
				return
			}
		}
		time.Sleep(*every)
	}
	fmt.Fprintf(os.Stderr, "waitready: %s not ready after %s\n", *url, *timeout)
	os.Exit(1)
}
