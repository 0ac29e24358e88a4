package blob

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Local keeps blobs as files under a directory: <dir>/<last two characters
// of the key>/<key>. A write goes to a temporary file at the top of the
// directory, is synced, then renamed into place, so a blob is either whole or
// absent. Open returns the *os.File itself so that http.ServeContent can hand
// it to the kernel's sendfile.
type Local struct{ dir string }

// NewLocal returns a store under dir (created when missing).
func NewLocal(dir string) (*Local, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("blob store: %w", err)
	}
	return &Local{dir: dir}, nil
}

// Dir returns the directory the store keeps its files in.
func (l *Local) Dir() string { return l.dir }

func (l *Local) path(key string) (string, error) {
	if !ValidKey(key) {
		return "", ErrBadKey
	}
	shard := key[max(0, len(key)-2):]
	return filepath.Join(l.dir, shard, key), nil
}

// Put implements Store.
func (l *Local) Put(ctx context.Context, key string, r io.Reader) (Info, error) {
	final, err := l.path(key)
	if err != nil {
		return Info{}, err
	}
	return l.store(ctx, r, func(Info) (string, error) { return final, nil })
}

// PutContent implements Store. The bytes are spooled to a temporary file at
// the top of the store while they are hashed, then renamed to the path of
// their sum; renaming onto bytes already there replaces them with the same
// bytes, so two uploads of one file at once both succeed.
func (l *Local) PutContent(ctx context.Context, r io.Reader, want string) (Info, error) {
	return l.store(ctx, r, func(info Info) (string, error) {
		if want != "" && !strings.EqualFold(want, info.SHA256) {
			return "", ErrChecksum
		}
		return l.path(info.SHA256)
	})
}

// store copies r to a synced temporary file, asks final where it belongs and
// renames it there; on any error the temporary file is removed.
func (l *Local) store(ctx context.Context, r io.Reader, final func(Info) (string, error)) (Info, error) {
	tmp, err := os.CreateTemp(l.dir, ".put-*")
	if err != nil {
		return Info{}, err
	}
	keep := false
	defer func() {
		if !keep {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	sum := sha256.New()
	size, err := io.Copy(io.MultiWriter(tmp, sum), contextReader{ctx, r})
	if err != nil {
		return Info{}, err
	}
	if err := tmp.Sync(); err != nil {
		return Info{}, err
	}
	if err := tmp.Close(); err != nil {
		return Info{}, err
	}
	info := Info{Size: size, SHA256: hexSum(sum)}
	dest, err := final(info)
	if err != nil {
		return Info{}, err
	}
	dir := filepath.Dir(dest)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return Info{}, err
	}
	if err := os.Rename(tmp.Name(), dest); err != nil {
		return Info{}, err
	}
	keep = true
	syncDir(dir)
	return info, nil
}

// Open implements Store.
func (l *Local) Open(_ context.Context, key string) (io.ReadSeekCloser, int64, error) {
	p, err := l.path(key)
	if err != nil {
		return nil, 0, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, ErrNotFound
	}
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

// Delete implements Store.
func (l *Local) Delete(_ context.Context, key string) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	syncDir(filepath.Dir(p))
	return nil
}

// syncDir makes a rename or removal in dir durable; where a platform cannot
// sync directories the rename is still atomic, only less durable.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// contextReader stops a long copy when the request is cancelled.
type contextReader struct {
	ctx context.Context
	r   io.Reader
}

func (c contextReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
