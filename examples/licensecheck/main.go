// Command licensecheck is the smallest program a vendor's own software needs
// to check a Steward license offline: it imports nothing of Steward but
// pkg/licensefile. Copy it as a start.
//
//	licensecheck KEYS.json LICENSE [REVOKED.json]
//
// KEYS.json is what GET /api/v1/keys returned, REVOKED.json what
// GET /api/v1/licenses/revoked returned. It prints what the license grants
// and exits 0, or prints why it is not valid today and exits 1.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"steward.dev/steward/pkg/licensefile"
)

func main() {
	os.Exit(run(os.Args[1:], time.Now(), os.Stdout, os.Stderr))
}

func run(args []string, now time.Time, stdout, stderr io.Writer) int {
	if len(args) < 2 || len(args) > 3 {
		fmt.Fprintln(stderr, "usage: licensecheck KEYS.json LICENSE [REVOKED.json]")
		return 2
	}
	keysJSON, err := os.ReadFile(args[0])
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	keys, err := licensefile.ParseKeys(keysJSON)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	var opts []licensefile.Option
	if len(args) == 3 {
		revokedJSON, err := os.ReadFile(args[2])
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		revoked, err := licensefile.ParseRevocationList(revokedJSON, keys)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		opts = append(opts, licensefile.WithRevocations(revoked))
	}
	file, err := os.ReadFile(args[1])
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	l, err := licensefile.Verify(file, keys, now, opts...)
	if err != nil {
		fmt.Fprintln(stdout, "not valid:", err)
		return 1
	}
	until := l.ValidUntil
	if l.Perpetual() {
		until = "perpetual"
	}
	fmt.Fprintf(stdout, "valid: %s for %s (%s): %s %s, modules %s, %d users, until %s\n",
		l.LicenseID, l.OrgName, l.OrgID, l.Product, l.Version, strings.Join(l.Modules, " "), l.Users, until)
	return 0
}
