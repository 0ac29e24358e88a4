package blob_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"steward.dev/steward/internal/platform/blob"
	"steward.dev/steward/internal/platform/blob/blobtest"
)

// store is a Store under test and a way to list everything it keeps, so
// that a test can prove a failed write left nothing behind.
type store struct {
	blob.Store
	left func(t *testing.T) []string
}

// eachStore runs fn against Local, and against S3 when STEWARD_TEST_S3 is
// set (which the test command always does), each in a fresh place.
func eachStore(t *testing.T, fn func(t *testing.T, s store)) {
	t.Run("local", func(t *testing.T) {
		l := newLocal(t)
		fn(t, store{l, func(t *testing.T) []string {
			var names []string
			for _, f := range files(t, l) {
				names = append(names, filepath.Base(f))
			}
			return names
		}})
	})
	if cfg, ok := blobtest.S3Config(t); ok {
		t.Run("s3", func(t *testing.T) {
			s, err := blob.NewS3(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			fn(t, store{s, func(t *testing.T) []string {
				names, err := s.Leftovers(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				return names
			}})
		})
	}
}

func sha(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func readAll(t *testing.T, s blob.Store, key string) []byte {
	t.Helper()
	r, size, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("open %s: %v", key, err)
	}
	defer r.Close()
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if size != int64(len(got)) {
		t.Fatalf("open %s: size %d, but %d bytes read", key, size, len(got))
	}
	return got
}

func TestPutContentStoresBytesUnderTheirSum(t *testing.T) {
	eachStore(t, func(t *testing.T, s store) {
		ctx := context.Background()
		body := []byte(strings.Repeat("补丁 patch bytes\n", 5000))
		info, err := s.PutContent(ctx, bytes.NewReader(body), strings.ToUpper(sha(body)))
		if err != nil {
			t.Fatal(err)
		}
		if info.SHA256 != sha(body) || info.Size != int64(len(body)) {
			t.Fatalf("info %+v, want size %d and sha %s", info, len(body), sha(body))
		}
		if got := readAll(t, s, info.SHA256); !bytes.Equal(got, body) {
			t.Fatalf("read back %d bytes that differ from the %d stored", len(got), len(body))
		}
		// The same bytes again: the same answer, still one blob.
		again, err := s.PutContent(ctx, bytes.NewReader(body), "")
		if err != nil || again != info {
			t.Fatalf("second put of the same bytes: %+v, %v; want %+v", again, err, info)
		}
		if left := s.left(t); !slices.Equal(left, []string{info.SHA256}) {
			t.Fatalf("store holds %v, want only %s", left, info.SHA256)
		}
		empty, err := s.PutContent(ctx, bytes.NewReader(nil), "")
		if err != nil || empty.Size != 0 || empty.SHA256 != sha(nil) {
			t.Fatalf("empty file: %+v, %v", empty, err)
		}
		if got := readAll(t, s, empty.SHA256); len(got) != 0 {
			t.Fatalf("empty blob reads %d bytes", len(got))
		}
	})
}

func TestPutContentWithTheWrongSumKeepsNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, s store) {
		body := []byte("the bytes that arrived")
		_, err := s.PutContent(context.Background(), bytes.NewReader(body), sha([]byte("the bytes that were announced")))
		if !errors.Is(err, blob.ErrChecksum) {
			t.Fatalf("put with a wrong sum: %v, want ErrChecksum", err)
		}
		if left := s.left(t); len(left) != 0 {
			t.Fatalf("a refused put left %v", left)
		}
		if _, _, err := s.Open(context.Background(), sha(body)); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("open the refused bytes: %v, want ErrNotFound", err)
		}
	})
}

// failAfter yields n random bytes, then fails like a dropped connection.
type failAfter struct{ n int }

var errDropped = errors.New("connection dropped")

func (f *failAfter) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errDropped
	}
	n := min(len(p), f.n)
	rand.Read(p[:n])
	f.n -= n
	return n, nil
}

type readFunc func([]byte) (int, error)

func (f readFunc) Read(p []byte) (int, error) { return f(p) }

func TestAnInterruptedPutContentKeepsNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, s store) {
		// Past 8 MiB, so that S3 has sent a whole part of a multipart upload
		// that must be aborted.
		if _, err := s.PutContent(context.Background(), &failAfter{n: 9 << 20}, ""); !errors.Is(err, errDropped) {
			t.Fatalf("put from a reader that fails: %v, want its error", err)
		}
		// The client goes away after a part has been sent: the upload is
		// aborted although the request's context is gone.
		ctx, cancel := context.WithCancel(context.Background())
		gone := io.MultiReader(io.LimitReader(rand.Reader, 9<<20), readFunc(func([]byte) (int, error) { cancel(); return 0, errDropped }))
		if _, err := s.PutContent(ctx, gone, ""); !errors.Is(err, errDropped) && !errors.Is(err, context.Canceled) {
			t.Fatalf("put whose client went away: %v", err)
		}
		if _, err := s.Put(context.Background(), "att_1", &failAfter{n: 1000}); !errors.Is(err, errDropped) {
			t.Fatalf("keyed put from a reader that fails: %v, want its error", err)
		}
		if left := s.left(t); len(left) != 0 {
			t.Fatalf("interrupted puts left %v", left)
		}
	})
}

func TestOpenSeeksAndMissingBlobs(t *testing.T) {
	eachStore(t, func(t *testing.T, s store) {
		ctx := context.Background()
		body := make([]byte, 100_000)
		rand.Read(body)
		if _, err := s.Put(ctx, "att_seek", bytes.NewReader(body)); err != nil {
			t.Fatal(err)
		}
		r, size, err := s.Open(ctx, "att_seek")
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if end, err := r.Seek(0, io.SeekEnd); err != nil || end != size || size != int64(len(body)) {
			t.Fatalf("seek to the end: %d, %v; size %d, want %d", end, err, size, len(body))
		}
		if _, err := r.Seek(70_000, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		part := make([]byte, 1000)
		if _, err := io.ReadFull(r, part); err != nil || !bytes.Equal(part, body[70_000:71_000]) {
			t.Fatalf("read 1000 bytes at 70,000: %v, or they differ", err)
		}
		if _, err := r.Seek(-500, io.SeekEnd); err != nil {
			t.Fatal(err)
		}
		if tail, err := io.ReadAll(r); err != nil || !bytes.Equal(tail, body[len(body)-500:]) {
			t.Fatalf("the last 500 bytes: %d read, %v", len(tail), err)
		}

		if _, _, err := s.Open(ctx, sha([]byte("never stored"))); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("open a missing blob: %v, want ErrNotFound", err)
		}
		if err := s.Delete(ctx, "att_seek"); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, "att_seek"); err != nil {
			t.Fatalf("delete a missing blob: %v", err)
		}
		if _, _, err := s.Open(ctx, "att_seek"); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("open after delete: %v, want ErrNotFound", err)
		}
		if left := s.left(t); len(left) != 0 {
			t.Fatalf("store holds %v after the delete", left)
		}
	})
}
