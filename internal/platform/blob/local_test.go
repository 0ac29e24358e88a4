package blob_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"steward.dev/steward/internal/platform/blob"
)

func newLocal(t *testing.T) *blob.Local {
	t.Helper()
	l, err := blob.NewLocal(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// files lists every file under the store, temporary ones included.
func files(t *testing.T, l *blob.Local) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(l.Dir(), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func TestPutOpenDelete(t *testing.T) {
	ctx := context.Background()
	l := newLocal(t)
	body := strings.Repeat("日志 line\n", 1000)
	info, err := l.Put(ctx, "att_0abc", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256([]byte(body))
	if info.Size != int64(len(body)) || info.SHA256 != hex.EncodeToString(want[:]) {
		t.Fatalf("info %+v, want size %d and the SHA-256 of the body", info, len(body))
	}
	r, size, err := l.Open(ctx, "att_0abc")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r)
	r.Close()
	if size != int64(len(body)) || string(got) != body {
		t.Fatalf("read back %d bytes (size %d), want the %d stored", len(got), size, len(body))
	}
	if err := l.Delete(ctx, "att_0abc"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := l.Open(ctx, "att_0abc"); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("open after delete: %v, want ErrNotFound", err)
	}
	if err := l.Delete(ctx, "att_0abc"); err != nil {
		t.Fatalf("deleting a missing blob: %v", err)
	}
	if left := files(t, l); len(left) != 0 {
		t.Fatalf("files left: %v", left)
	}
}

type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("connection dropped")
	}
	n := min(len(p), f.n)
	f.n -= n
	return n, nil
}

func TestAFailedPutLeavesNothing(t *testing.T) {
	l := newLocal(t)
	if _, err := l.Put(context.Background(), "att_1", &failingReader{n: 100_000}); err == nil || !strings.Contains(err.Error(), "dropped") {
		t.Fatalf("put from a failing reader: %v, want the reader's error", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Put(ctx, "att_2", strings.NewReader("x")); !errors.Is(err, context.Canceled) {
		t.Fatalf("put with a cancelled context: %v", err)
	}
	if left := files(t, l); len(left) != 0 {
		t.Fatalf("a failed put left %v", left)
	}
}

func TestKeysAreNeverPaths(t *testing.T) {
	ctx := context.Background()
	l := newLocal(t)
	for _, key := range []string{"", "../escape", "a/b", `a\b`, "..", "UPPER", "a.b", "x\x00", strings.Repeat("a", 101)} {
		if _, err := l.Put(ctx, key, strings.NewReader("x")); !errors.Is(err, blob.ErrBadKey) {
			t.Errorf("put %q: %v, want ErrBadKey", key, err)
		}
		if _, _, err := l.Open(ctx, key); !errors.Is(err, blob.ErrBadKey) {
			t.Errorf("open %q: %v, want ErrBadKey", key, err)
		}
		if err := l.Delete(ctx, key); !errors.Is(err, blob.ErrBadKey) {
			t.Errorf("delete %q: %v, want ErrBadKey", key, err)
		}
	}
	if left := files(t, l); len(left) != 0 {
		t.Fatalf("bad keys left %v", left)
	}
}

// Local hands out the file itself, so that http.ServeContent can send it
// with sendfile instead of copying it through user space.
func TestLocalOpensTheFileItself(t *testing.T) {
	l := newLocal(t)
	info, err := l.PutContent(context.Background(), strings.NewReader("patch"), "")
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := l.Open(context.Background(), info.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, ok := r.(*os.File); !ok {
		t.Fatalf("Local.Open returns %T, want *os.File", r)
	}
}
