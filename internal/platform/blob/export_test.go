package blob

import (
	"context"
	"strings"

	"github.com/minio/minio-go/v7"
)

// Leftovers lists every object under the store's prefix (temporary ones
// included) and every incomplete multipart upload, by name without the
// prefix: what a failed write must not leave.
func (s *S3) Leftovers(ctx context.Context) ([]string, error) {
	var out []string
	for o := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix, Recursive: true}) {
		if o.Err != nil {
			return nil, o.Err
		}
		out = append(out, strings.TrimPrefix(o.Key, s.prefix))
	}
	for u := range s.client.ListIncompleteUploads(ctx, s.bucket, s.prefix, true) {
		if u.Err != nil {
			return nil, u.Err
		}
		out = append(out, "incomplete upload "+strings.TrimPrefix(u.Key, s.prefix))
	}
	return out, nil
}
