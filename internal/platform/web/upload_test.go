package web

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"steward.dev/steward/internal/platform/problem"
)

// TestFilePart: the file is found after other fields; a form without it,
// with an empty file name, or not multipart at all names the field; a body
// over the route's limit is the MaxBytesError, for the caller's 413,
// whether the limit falls before the file or inside it.
func TestFilePart(t *testing.T) {
	form := func(fields map[string]string, fileName, content string) (string, *bytes.Buffer) {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		for k, v := range fields {
			w.WriteField(k, v)
		}
		if fileName != "-" {
			f, _ := w.CreateFormFile("file", fileName)
			f.Write([]byte(content))
		}
		w.Close()
		return w.FormDataContentType(), &b
	}
	request := func(contentType string, body io.Reader, limit int64) *http.Request {
		r := httptest.NewRequest("POST", "/upload", body)
		r.Header.Set("Content-Type", contentType)
		r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, limit)
		return r
	}
	formRequest := func(fields map[string]string, fileName, content string) *http.Request {
		ct, body := form(fields, fileName, content)
		return request(ct, body, 1<<20)
	}

	part, err := FilePart(formRequest(map[string]string{"note": "first"}, "app.log", "ERROR ledger locked"), "file")
	if err != nil {
		t.Fatalf("a form with the file: %v", err)
	}
	if got, _ := io.ReadAll(part); part.FileName() != "app.log" || string(got) != "ERROR ledger locked" {
		t.Errorf("the file is %q: %q", part.FileName(), got)
	}

	for name, r := range map[string]*http.Request{
		"no file":         formRequest(map[string]string{"note": "x"}, "-", ""),
		"empty file name": formRequest(nil, "", "bytes"),
		"not multipart":   request("application/x-www-form-urlencoded", strings.NewReader("file=x"), 1<<20),
	} {
		_, err := FilePart(r, "file")
		pe, ok := problem.As(err)
		if !ok || len(pe.Fields) != 1 || pe.Fields[0].Field != "file" || pe.Fields[0].Message != "field.required" {
			t.Errorf("%s: %v", name, err)
		}
	}

	// Over the limit before the file (a large field) or in it: the same error.
	ct, body := form(map[string]string{"note": strings.Repeat("x", 4096)}, "big.log", "x")
	var tooBig *http.MaxBytesError
	if _, err := FilePart(request(ct, body, 1024), "file"); !errors.As(err, &tooBig) {
		t.Errorf("a field over the limit: %v", err)
	}
	ct, body = form(nil, "big.log", strings.Repeat("x", 4096))
	part, err = FilePart(request(ct, body, 1024), "file")
	if err != nil {
		t.Fatalf("a large file's part: %v", err)
	}
	if _, err := io.ReadAll(part); !errors.As(err, &tooBig) {
		t.Errorf("reading a file over the limit: %v", err)
	}
}
