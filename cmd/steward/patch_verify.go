package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"steward.dev/steward/internal/patch"
	"steward.dev/steward/internal/platform/signing"
)

const verifyHelp = `steward patch verify: check that a downloaded file is what the vendor published.

  steward patch verify [--server URL] [--keys URL|FILE] [--signature B64 --key-id ID] FILE

It computes the file's size and SHA-256, finds its signature (from --signature
and --key-id, or by asking the server which published file has that SHA-256),
and checks the Ed25519 signature with the vendor's public keys (from --keys, a
saved copy of GET /api/v1/keys or its URL, or else the server's). With
--signature, --key-id and --keys it works offline.

It prints "OK  FILE  sha256:…  size N  key ID  patch NUMBER" and exits 0, or
says what is wrong (a file the server never published, a bad signature, a key
that is not or no longer trusted) and exits 1.

Flags:
`

func patchVerify(ctx context.Context, args []string, stdout io.Writer) error {
	var server, keysFrom string
	var sig patch.Signature
	fs := newFlagSet("patch verify", stdout)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), verifyHelp)
		fs.PrintDefaults()
	}
	fs.StringVar(&server, "server", env("SERVER", ""), "the server's URL, like http://127.0.0.1:8080 (STEWARD_SERVER)")
	fs.StringVar(&keysFrom, "keys", "", "the public keys: a file saved from GET /api/v1/keys, or a URL; default the server's")
	fs.StringVar(&sig.Signature, "signature", "", "the file's signature (standard base64), as the patch lists it")
	fs.StringVar(&sig.KeyID, "key-id", "", "the id of the key that made --signature")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return fmt.Errorf("name one file: steward patch verify [flags] FILE: %w", errUsage)
	}
	if (sig.Signature == "") != (sig.KeyID == "") {
		return fmt.Errorf("--signature and --key-id go together: %w", errUsage)
	}
	if server == "" && (sig.Signature == "" || keysFrom == "") {
		return fmt.Errorf("give --server, or --signature, --key-id and --keys to verify offline: %w", errUsage)
	}
	var c *apiClient
	if server != "" {
		if c, err = newAPIClient(server, ""); err != nil {
			return err
		}
	}

	file := files[0]
	size, sum, err := hashFile(file)
	if err != nil {
		return err
	}
	if sig.Signature == "" {
		if err := c.call(ctx, http.MethodGet, "/api/v1/signatures/"+sum, nil, &sig); err != nil {
			var se *serverError
			if errors.As(err, &se) && se.Status == http.StatusNotFound {
				return fmt.Errorf("FAILED %s: unknown file: the server published no file with sha256:%s (size %d); the download is incomplete or not the vendor's", file, sum, size)
			}
			return err
		}
	}
	keys, err := loadPublicKeys(ctx, c, keysFrom)
	if err != nil {
		return err
	}
	raw, err := base64.StdEncoding.DecodeString(sig.Signature)
	if err != nil {
		return fmt.Errorf("FAILED %s: the signature is not standard base64", file)
	}
	if err := signing.Verify(keys, sig.KeyID, signing.FileStatement(sum, size), raw); err != nil {
		return fmt.Errorf("FAILED %s  sha256:%s  size %d: %s", file, sum, size, verifyFailure(err, sig.KeyID))
	}
	line := fmt.Sprintf("OK  %s  sha256:%s  size %d  key %s", file, sum, size, sig.KeyID)
	if numbers := publishedIn(sig); numbers != "" {
		line += "  patch " + numbers
	}
	fmt.Fprintln(stdout, line)
	return nil
}

// verifyFailure says in words what a failed signature check means.
func verifyFailure(err error, keyID string) string {
	switch {
	case errors.Is(err, signing.ErrBadSignature):
		return "bad signature: the file is not what key " + keyID + " signed"
	case errors.Is(err, signing.ErrRetiredKey):
		return "signed by a key the vendor has retired: " + err.Error()
	case errors.Is(err, signing.ErrUnknownKey):
		return "signed by key " + keyID + ", which is not among the vendor's public keys"
	}
	return err.Error()
}

// publishedIn names the patches that publish the file, marking a file the
// server took out of service (quarantined by its scrub).
func publishedIn(sig patch.Signature) string {
	var numbers []string
	for _, f := range sig.Files {
		n := f.Number
		if f.Status != "" && f.Status != patch.FileAvailable {
			n += " (" + f.Status + ")"
		}
		numbers = append(numbers, n)
	}
	return strings.Join(numbers, ", ")
}

// loadPublicKeys reads the key set of GET /api/v1/keys from a file, a URL,
// or the server when from is "".
func loadPublicKeys(ctx context.Context, c *apiClient, from string) ([]signing.PublicKey, error) {
	raw, err := readDocument(ctx, c, from, "/api/v1/keys")
	if err != nil {
		return nil, fmt.Errorf("public keys: %w", err)
	}
	var set struct {
		Items []signing.PublicKey `json:"items"`
	}
	if err := json.Unmarshal(raw, &set); err != nil {
		return nil, fmt.Errorf("public keys: %s is not the JSON of GET /api/v1/keys: %w", from, err)
	}
	return set.Items, nil
}
