package app

import (
	"context"
	"path/filepath"
	"time"

	"steward.dev/steward/internal/platform/blob"
)

// openBlobs opens the store of file bytes: the S3-compatible bucket when one
// is configured, else local files under <data dir>/blobs.
func openBlobs(cfg Config) (blob.Store, error) {
	if cfg.S3.Endpoint != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return blob.NewS3(ctx, cfg.S3)
	}
	return blob.NewLocal(filepath.Join(cfg.DataDir, "blobs"))
}
