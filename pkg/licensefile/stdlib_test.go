package licensefile_test

import (
	"os/exec"
	"strings"
	"testing"
)

// A vendor's program imports this package alone: it must bring in nothing
// but the standard library.
func TestImportsOnlyTheStandardLibrary(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) != 1 || deps[0] != "steward.dev/steward/pkg/licensefile" {
		t.Fatalf("pkg/licensefile depends on more than the standard library: %v", deps)
	}
}
