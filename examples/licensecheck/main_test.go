package main

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
	"time"
)

const testdata = "../../pkg/licensefile/testdata/"

// TestChecksTheExampleLicense: the example license is valid while its
// subscription runs (also checked against the example revocation list, which
// does not name it) and refused once it has ended.
func TestChecksTheExampleLicense(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		at   time.Time
		code int
		want string
	}{
		{"valid", []string{testdata + "example-keys.json", testdata + "example.license"},
			time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC), 0, "valid: lic_example0001"},
		{"valid, with the revocation list", []string{testdata + "example-keys.json", testdata + "example.license", testdata + "example-revocations.json"},
			time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC), 0, "valid: lic_example0001"},
		{"expired", []string{testdata + "example-keys.json", testdata + "example.license"},
			time.Date(2027, 12, 1, 0, 0, 0, 0, time.UTC), 1, "not valid: licensefile: the license has expired"},
		{"usage", []string{testdata + "example.license"}, time.Now(), 2, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(c.args, c.at, &out, &errOut); code != c.code || !strings.Contains(out.String(), c.want) {
				t.Errorf("exit %d, want %d; stdout %q (want %q); stderr %q", code, c.code, out.String(), c.want, errOut.String())
			}
		})
	}
}

// TestImportsOnlyTheLicensePackage: a vendor copies this program, so it
// must need nothing of Steward beyond pkg/licensefile.
func TestImportsOnlyTheLicensePackage(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep != "steward.dev/steward/pkg/licensefile" && dep != "steward.dev/steward/examples/licensecheck" {
			t.Errorf("licensecheck depends on %s", dep)
		}
	}
}
