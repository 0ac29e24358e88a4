package web

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// readFromRecorder records whether a body reached it through ReadFrom, as
// the server's connection writer does to use sendfile.
type readFromRecorder struct {
	*httptest.ResponseRecorder
	viaReadFrom bool
}

func (r *readFromRecorder) ReadFrom(src io.Reader) (int64, error) {
	r.viaReadFrom = true
	return io.Copy(r.ResponseRecorder, src)
}

func TestStatusWriterKeepsTheZeroCopyPath(t *testing.T) {
	rec := &readFromRecorder{ResponseRecorder: httptest.NewRecorder()}
	sw := &statusWriter{ResponseWriter: rec, status: http.StatusOK}
	content := bytes.Repeat([]byte("x"), 100<<10)
	http.ServeContent(sw, httptest.NewRequest("GET", "/f", nil), "", time.Time{}, bytes.NewReader(content))
	if !rec.viaReadFrom {
		t.Error("http.ServeContent did not reach the connection's ReadFrom through the middleware's writer")
	}
	if sw.bytes != int64(len(content)) || rec.Body.Len() != len(content) || sw.status != http.StatusOK {
		t.Errorf("wrote %d bytes (body %d), status %d", sw.bytes, rec.Body.Len(), sw.status)
	}
}
