package blob

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config names an S3-compatible bucket.
type S3Config struct {
	Endpoint  string // host:port, without a scheme
	Bucket    string
	AccessKey string
	SecretKey string
	Region    string // "" lets the store pick its default
	TLS       bool   // https to the endpoint
	Prefix    string // keys are stored as Prefix + key ("steward/" keeps them in a folder)
}

// S3 keeps blobs as objects in an S3-compatible bucket. Objects are written
// in one request (or as a multipart upload that is either completed or
// aborted), so an object is either whole or absent, as with Local.
type S3 struct {
	client *minio.Client
	bucket string
	prefix string
}

// s3PartSize bounds the memory of an upload of unknown size: minio-go holds
// one part in memory at a time, and 10,000 parts of 8 MiB allow objects of
// up to 78 GiB, well above the patch limit.
const s3PartSize = 8 << 20

// cleanupTimeout bounds the removal of leftovers after a failed write, which
// runs on a context of its own because the request's may be what failed.
const cleanupTimeout = 30 * time.Second

// NewS3 connects to the bucket, creating it when missing.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	if cfg.Bucket == "" {
		return nil, fmt.Errorf("S3 store %s: no bucket named", cfg.Endpoint)
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.TLS,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("S3 store %s: %w", cfg.Endpoint, err)
	}
	exists, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("S3 store %s, bucket %s: %w", cfg.Endpoint, cfg.Bucket, err)
	}
	if !exists {
		err := client.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region})
		if code := minio.ToErrorResponse(err).Code; err != nil && code != minio.BucketAlreadyOwnedByYou && code != minio.BucketAlreadyExists {
			return nil, fmt.Errorf("S3 store %s, creating bucket %s: %w", cfg.Endpoint, cfg.Bucket, err)
		}
	}
	prefix := cfg.Prefix
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return &S3{client: client, bucket: cfg.Bucket, prefix: prefix}, nil
}

func (s *S3) object(key string) (string, error) {
	if !ValidKey(key) {
		return "", ErrBadKey
	}
	return s.prefix + key, nil
}

// Put implements Store.
func (s *S3) Put(ctx context.Context, key string, r io.Reader) (Info, error) {
	name, err := s.object(key)
	if err != nil {
		return Info{}, err
	}
	return s.upload(ctx, name, r)
}

// upload streams r to the object name while hashing it. minio-go aborts a
// failed multipart upload but ignores a failure to abort; cleanup tries once
// more, so that no parts stay behind in the bucket.
func (s *S3) upload(ctx context.Context, name string, r io.Reader) (Info, error) {
	sum := sha256.New()
	up, err := s.client.PutObject(ctx, s.bucket, name, io.TeeReader(contextReader{ctx, r}, sum), -1,
		minio.PutObjectOptions{PartSize: s3PartSize, ContentType: "application/octet-stream"})
	if err != nil {
		s.cleanup(name)
		return Info{}, err
	}
	return Info{Size: up.Size, SHA256: hexSum(sum)}, nil
}

// PutContent implements Store: the bytes go to a temporary object while
// they are hashed, are copied on the server to the key of their sum, and the
// temporary object is removed.
func (s *S3) PutContent(ctx context.Context, r io.Reader, want string) (Info, error) {
	tmp := s.prefix + "tmp/" + rand.Text()
	info, err := s.upload(ctx, tmp, r)
	if err != nil {
		return Info{}, err
	}
	defer s.cleanup(tmp)
	if want != "" && !strings.EqualFold(want, info.SHA256) {
		return Info{}, ErrChecksum
	}
	final := s.prefix + info.SHA256
	if st, err := s.client.StatObject(ctx, s.bucket, final, minio.StatObjectOptions{}); err == nil && st.Size == info.Size {
		return info, nil // already stored
	}
	_, err = s.client.ComposeObject(ctx, minio.CopyDestOptions{Bucket: s.bucket, Object: final},
		minio.CopySrcOptions{Bucket: s.bucket, Object: tmp})
	if err != nil {
		return Info{}, fmt.Errorf("S3 store: copying %s into place: %w", info.SHA256, err)
	}
	return info, nil
}

// cleanup removes what a write may have left under name: the object and
// any incomplete multipart upload.
func (s *S3) cleanup(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	s.client.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{})
	s.client.RemoveIncompleteUpload(ctx, s.bucket, name)
}

// Open implements Store: a seekable reader that fetches ranges as it is
// read, and the size.
func (s *S3) Open(ctx context.Context, key string) (io.ReadSeekCloser, int64, error) {
	name, err := s.object(key)
	if err != nil {
		return nil, 0, err
	}
	st, err := s.client.StatObject(ctx, s.bucket, name, minio.StatObjectOptions{})
	if err != nil {
		return nil, 0, notFound(err)
	}
	obj, err := s.client.GetObject(ctx, s.bucket, name, minio.GetObjectOptions{})
	if err != nil {
		return nil, 0, notFound(err)
	}
	return obj, st.Size, nil
}

// Delete implements Store.
func (s *S3) Delete(ctx context.Context, key string) error {
	name, err := s.object(key)
	if err != nil {
		return err
	}
	return s.client.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{})
}

func notFound(err error) error {
	if minio.ToErrorResponse(err).StatusCode == http.StatusNotFound {
		return ErrNotFound
	}
	return err
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }
