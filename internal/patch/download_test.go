package patch

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestParseRange(t *testing.T) {
	const size = 100
	for _, c := range []struct {
		header string
		want   []ByteRange
		err    error
		zero   bool
	}{
		{"", nil, nil, true},
		{"bytes=0-", []ByteRange{{0, 100}}, nil, true},
		{"bytes=0-9", []ByteRange{{0, 10}}, nil, true},
		{"bytes=10-", []ByteRange{{10, 90}}, nil, false},
		{"bytes=90-200", []ByteRange{{90, 10}}, nil, false},
		{"bytes=-10", []ByteRange{{90, 10}}, nil, false},
		{"bytes=-500", []ByteRange{{0, 100}}, nil, true},
		{"bytes= 0-4 , 10-14", []ByteRange{{0, 5}, {10, 5}}, nil, true},
		{"bytes=10-14,0-4", []ByteRange{{10, 5}, {0, 5}}, nil, false},
		{"bytes=0-99,0-99", []ByteRange{{0, 100}, {0, 100}}, nil, true}, // more than the file: served whole
		{"bytes=50-99,0-99", []ByteRange{{50, 50}, {0, 100}}, nil, true},
		{"bytes=100-", nil, ErrRangeNoOverlap, false},
		{"bytes=200-300,300-", nil, ErrRangeNoOverlap, false},
		{"bytes=200-300,5-9", []ByteRange{{5, 5}}, nil, false},
		{"bytes=5-4", nil, ErrRangeSyntax, false},
		{"bytes=--5", nil, ErrRangeSyntax, false},
		{"bytes=-", nil, ErrRangeSyntax, false},
		{"bytes=x-1", nil, ErrRangeSyntax, false},
		{"bytes=1", nil, ErrRangeSyntax, false},
		{"items=0-1", nil, ErrRangeSyntax, false},
		{"bytes=99999999999999999999-", nil, ErrRangeSyntax, false},
	} {
		got, err := ParseRange(c.header, size)
		if !errors.Is(err, c.err) || fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("ParseRange(%q) = %v, %v; want %v, %v", c.header, got, err, c.want, c.err)
		}
		if z := StartsAtZero(c.header, size); z != c.zero {
			t.Errorf("StartsAtZero(%q) = %v, want %v", c.header, z, c.zero)
		}
	}
}

// FuzzParseRange compares ParseRange with what http.ServeContent answers
// for the same header and size: 416 for an error, the whole file when no
// range is used, else the same ranges in the same order.
func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"", "bytes=0-", "bytes=-5", "bytes=3-7,1-2", "bytes= 1 - 2 ,", "bytes=+1-2", "bytes=9-3",
		"bytes=0-0,-1", "bytes=100-", "bytes=-0", "bytes=1-1,1-1,1-1", "bytes=\t2-"} {
		f.Add(s, int64(10))
	}
	f.Fuzz(func(t *testing.T, header string, size int64) {
		if size < 0 || size > 64 || strings.ContainsAny(header, "\r\n") {
			return
		}
		content := bytes.Repeat([]byte("0123456789abcdef"), 4)[:size]
		req := httptest.NewRequest("GET", "/f", nil)
		req.Header["Range"] = []string{header}
		w := httptest.NewRecorder()
		http.ServeContent(w, req, "", time.Time{}, bytes.NewReader(content))
		got, err := ParseRange(header, size)
		served := servedRanges(t, w, size)
		switch {
		case w.Code == http.StatusRequestedRangeNotSatisfiable:
			if err == nil {
				t.Fatalf("%q size %d: ServeContent 416, ParseRange %v", header, size, got)
			}
		case w.Code == http.StatusOK: // also an empty file whatever the ranges
			if !StartsAtZero(header, size) {
				t.Fatalf("%q size %d: served whole, StartsAtZero false (ranges %v, %v)", header, size, got, err)
			}
		case err != nil:
			t.Fatalf("%q size %d: ParseRange %v, ServeContent %d", header, size, err, w.Code)
		case w.Code == http.StatusPartialContent:
			if fmt.Sprint(served) != fmt.Sprint(got) {
				t.Fatalf("%q size %d: ServeContent sent %v, ParseRange %v", header, size, served, got)
			}
			if StartsAtZero(header, size) != (served[0].Start == 0) {
				t.Fatalf("%q size %d: StartsAtZero disagrees with %v", header, size, served)
			}
		default:
			t.Fatalf("%q size %d: ServeContent %d", header, size, w.Code)
		}
	})
}

// servedRanges reads the ranges of a 206 answer, single or multipart.
func servedRanges(t *testing.T, w *httptest.ResponseRecorder, size int64) []ByteRange {
	if w.Code != http.StatusPartialContent {
		return nil
	}
	parse := func(cr string) ByteRange {
		var first, last, total int64
		if _, err := fmt.Sscanf(cr, "bytes %d-%d/%d", &first, &last, &total); err != nil || total != size {
			t.Fatalf("Content-Range %q: %v", cr, err)
		}
		return ByteRange{first, last - first + 1}
	}
	if cr := w.Header().Get("Content-Range"); cr != "" {
		return []ByteRange{parse(cr)}
	}
	_, params, err := mime.ParseMediaType(w.Header().Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	var out []ByteRange
	mr := multipart.NewReader(w.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, parse(part.Header.Get("Content-Range")))
	}
}
