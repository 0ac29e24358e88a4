package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/platform/blob"
	"steward.dev/steward/internal/platform/blob/blobtest"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db/dbtest"
)

// uploadWith builds the app with the S3 store s3 (none when empty), uploads
// an attachment, reads it back through the API and returns its id and the
// app's data directory.
func uploadWith(t *testing.T, s3 blob.S3Config) (id, dataDir string) {
	t.Helper()
	dataDir = t.TempDir()
	a, err := app.Build(app.Config{Demo: true, Clock: clock.NewManual(apptest.Start), Hasher: apptest.FastHasher,
		DataDir: dataDir, S3: s3, Logger: slog.New(slog.DiscardHandler)}, dbtest.SQLite(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Prepare(context.Background()); err != nil {
		t.Fatal(err)
	}
	e := apptest.Wrap(t, a)
	token := e.Login("admin@yunqi.demo")
	up := e.Do(apptest.Request{Method: "POST", Path: "/api/v1/orgs/org_demo_cloud/attachments?name=a.log", Token: token, Body: "the log"})
	if up.Status != http.StatusCreated {
		t.Fatalf("upload: %d %s", up.Status, up.Body)
	}
	id = up.JSON()["id"].(string)
	if down := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/attachments/" + id, Token: token}); down.Status != http.StatusOK || string(down.Body) != "the log" {
		t.Fatalf("download: %d %q", down.Status, down.Body)
	}
	return id, dataDir
}

func TestBlobsLiveUnderTheDataDirectoryByDefault(t *testing.T) {
	_, dataDir := uploadWith(t, blob.S3Config{})
	if _, err := os.Stat(filepath.Join(dataDir, "blobs")); err != nil {
		t.Fatalf("no <data dir>/blobs after an upload: %v", err)
	}
}

// With an S3 store configured the bytes go to the bucket and nothing to the
// data directory.
func TestBlobsGoToTheConfiguredS3Store(t *testing.T) {
	cfg, ok := blobtest.S3Config(t)
	if !ok {
		return // like PostgreSQL's, the S3 tests run when the test command sets STEWARD_TEST_S3
	}
	id, dataDir := uploadWith(t, cfg)
	if _, err := os.Stat(filepath.Join(dataDir, "blobs")); err == nil {
		t.Fatal("<data dir>/blobs exists although an S3 store is configured")
	}
	bucket, err := blob.NewS3(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := bucket.Open(context.Background(), id)
	if err != nil {
		t.Fatalf("the attachment is not in the bucket: %v", err)
	}
	defer r.Close()
	if got, _ := io.ReadAll(r); string(got) != "the log" {
		t.Fatalf("the bucket holds %q", got)
	}
}
