package main

import (
	"strings"
	"testing"
)

func TestSearchRebuildCommand(t *testing.T) {
	dir := t.TempDir()
	out, err := steward(t, "", "search", "rebuild", "--data", dir)
	if err != nil || !strings.Contains(out, "article: 0 documents indexed (0 before)") || !strings.Contains(out, "search index rebuilt") {
		t.Fatalf("search rebuild: %v %s", err, out)
	}
	if _, err := steward(t, "", "search", "reindex"); err == nil {
		t.Error("an unknown search command did not fail")
	}
}
