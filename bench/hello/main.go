// Command hello is the baseline for bench/run.sh: the smallest useful
// net/http server, answering every request with a fixed plain-text body.
// Steward's own handlers are measured against it on the same machine.
package main

import (
	"flag"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18081", "listen address")
	flag.Parse()
	body := []byte("Hello, World!\n")
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(body)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
