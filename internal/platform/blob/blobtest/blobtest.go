// Package blobtest names the S3-compatible server that tests use, as dbtest
// does PostgreSQL's.
package blobtest

import (
	"crypto/rand"
	"net/url"
	"os"
	"strings"
	"testing"

	"steward.dev/steward/internal/platform/blob"
)

// S3Env names the variable that holds the S3-compatible server for tests:
// http://ACCESS:SECRET@HOST:PORT/BUCKET (https for TLS). scripts/s3.sh starts
// one and scripts/test.sh always sets it.
const S3Env = "STEWARD_TEST_S3"

// S3Config returns the test server's configuration with a prefix of the
// test's own, so that tests running at once never see each other's
// objects; ok is false when STEWARD_TEST_S3 is not set.
func S3Config(t testing.TB) (cfg blob.S3Config, ok bool) {
	t.Helper()
	raw := os.Getenv(S3Env)
	if raw == "" {
		return blob.S3Config{}, false
	}
	u, err := url.Parse(raw)
	if err != nil || u.User == nil || strings.Trim(u.Path, "/") == "" {
		t.Fatalf("%s=%q: want http://ACCESS:SECRET@HOST:PORT/BUCKET", S3Env, raw)
	}
	secret, _ := u.User.Password()
	return blob.S3Config{Endpoint: u.Host, Bucket: strings.Trim(u.Path, "/"), AccessKey: u.User.Username(), SecretKey: secret,
		TLS: u.Scheme == "https", Prefix: "test-" + strings.ToLower(rand.Text())}, true
}
