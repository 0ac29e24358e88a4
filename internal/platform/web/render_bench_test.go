package web_test

import (
	"testing"

	"steward.dev/steward/internal/platform/web"
	steward "steward.dev/steward/web"
)

// BenchmarkNewRenderer is what every start (and every test app) pays to
// parse the pages.
func BenchmarkNewRenderer(b *testing.B) {
	for b.Loop() {
		if _, err := web.NewRenderer(steward.Files, nil); err != nil {
			b.Fatal(err)
		}
	}
}
