package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"steward.dev/steward/internal/patch"
)

const patchUsage = `Usage:
  steward patch publish --server URL --product P --number N --type defect_fix|feature_upgrade
                        --title-zh T --title-en T [flags] FILE...
  steward patch verify  [--server URL] [--keys URL|FILE] [--signature B64 --key-id ID] FILE

Run "steward patch publish --help" or "steward patch verify --help" for the flags.
`

func patchCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "publish":
			return patchPublish(ctx, args[1:], stdout)
		case "verify":
			return patchVerify(ctx, args[1:], stdout)
		case "-h", "--help", "help":
			fmt.Fprint(stdout, patchUsage)
			return nil
		}
	}
	fmt.Fprint(stdout, patchUsage)
	return fmt.Errorf("unknown patch command: %w", errUsage)
}

// uploadAttempts and uploadBackoff bound how hard publish tries one file
// before giving up; re-running the command continues from there.
const uploadAttempts = 4

var uploadBackoff = 2 * time.Second

// listFlag is a comma-separated list of patch numbers.
type listFlag struct{ items *[]string }

func (l listFlag) String() string {
	if l.items == nil {
		return ""
	}
	return strings.Join(*l.items, ",")
}

func (l listFlag) Set(s string) error {
	for _, n := range strings.Split(s, ",") {
		if n = strings.TrimSpace(n); n != "" {
			*l.items = append(*l.items, n)
		}
	}
	return nil
}

const publishHelp = `steward patch publish: upload a patch's files to a running server and publish it.

  steward patch publish --server URL --product P --number N --type T \
      --title-zh T --title-en T [flags] FILE...

It creates the patch as a draft (or continues the draft with that number,
which takes the title, type, notes and relations given here),
uploads each FILE with its SHA-256 so the server can check it, then publishes
the patch unless --draft is given, and prints each file's SHA-256 and the id
of the key that signed it. Flags may come before or after the files.

Interrupted? Run the same command again: files the draft already holds with
the same SHA-256 are skipped, so it continues with the first file that is
missing. A failed upload is retried %d times, waiting longer each time.

The token is a product manager's or vendor admin's API token (POST
/api/v1/tokens, or the one POST /api/v1/auth/login returns).

Flags:
`

func patchPublish(ctx context.Context, args []string, stdout io.Writer) error {
	in := patch.Input{Requires: []string{}, Supersedes: []string{}, ConflictsWith: []string{}}
	var server, token, notesZh, notesEn string
	var draft bool
	fs := newFlagSet("patch publish", stdout)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), publishHelp, uploadAttempts-1)
		fs.PrintDefaults()
	}
	fs.StringVar(&server, "server", env("SERVER", ""), "the server's URL, like http://127.0.0.1:8080 (STEWARD_SERVER)")
	fs.StringVar(&token, "token", env("TOKEN", ""), "API token of a product manager or vendor admin (STEWARD_TOKEN)")
	fs.StringVar(&in.Product, "product", "", "product code, like k3cloud")
	fs.StringVar(&in.Number, "number", "", "the patch's number, unique per product, like PT-2026-0012")
	fs.StringVar(&in.Type, "type", "", "defect_fix or feature_upgrade")
	fs.StringVar(&in.Title.Zh, "title-zh", "", "title in Chinese")
	fs.StringVar(&in.Title.En, "title-en", "", "title in English")
	fs.StringVar(&notesZh, "notes-zh", "", "Markdown `file` with the release notes in Chinese")
	fs.StringVar(&notesEn, "notes-en", "", "Markdown `file` with the release notes in English")
	fs.StringVar(&in.AppliesTo, "applies-to", "", `versions the patch applies to, like ">=8.0 <8.2 || 9.0"`)
	fs.Var(listFlag{&in.Requires}, "requires", "comma-separated numbers of patches to install first")
	fs.Var(listFlag{&in.Supersedes}, "supersedes", "comma-separated numbers of patches this cumulative one replaces")
	fs.Var(listFlag{&in.ConflictsWith}, "conflicts-with", "comma-separated numbers of patches that must not be installed with this one")
	fs.BoolVar(&draft, "draft", false, "upload the files but leave the patch a draft")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if err := requireFlags(fs, "server", "token", "product", "number"); err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("name the patch's files: steward patch publish [flags] FILE...: %w", errUsage)
	}
	if err := checkFileNames(files); err != nil {
		return err
	}
	if in.Notes.Zh, err = readNotes(notesZh); err != nil {
		return err
	}
	if in.Notes.En, err = readNotes(notesEn); err != nil {
		return err
	}
	c, err := newAPIClient(server, token)
	if err != nil {
		return err
	}

	p, err := findOrCreatePatch(ctx, c, in, stdout)
	if err != nil {
		return err
	}
	for _, file := range files {
		if err := uploadFile(ctx, c, p, file, stdout); err != nil {
			return fmt.Errorf("%s: %w\nRun the same command again to continue; files already uploaded are skipped", file, err)
		}
	}
	if !draft && p.Status == patch.Draft {
		if err := c.call(ctx, http.MethodPost, "/api/v1/patches/"+url.PathEscape(p.ID)+"/publish", nil, nil); err != nil {
			return fmt.Errorf("publish %s: %w", in.Number, err)
		}
	}
	if err := c.call(ctx, http.MethodGet, "/api/v1/patches/"+url.PathEscape(p.ID), nil, &p); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "patch %s  %s %s  %s\n", p.ID, p.Product, p.Number, p.Status)
	for _, f := range p.Files {
		fmt.Fprintf(stdout, "  %s  sha256:%s  size %d  key %s\n", f.Name, f.SHA256, f.Size, f.KeyID)
	}
	return nil
}

// requireFlags names, in a usage error, each of the flags that is empty.
func requireFlags(fs *flag.FlagSet, names ...string) error {
	var missing []string
	for _, name := range names {
		if fs.Lookup(name).Value.String() == "" {
			missing = append(missing, "--"+name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing %s (see --help): %w", strings.Join(missing, ", "), errUsage)
	}
	return nil
}

// checkFileNames refuses two files that would have the same name on the
// server, before anything is uploaded.
func checkFileNames(files []string) error {
	seen := map[string]string{}
	for _, f := range files {
		name := filepath.Base(f)
		if other, ok := seen[name]; ok {
			return fmt.Errorf("%s and %s would both be named %s on the server: %w", other, f, name, errUsage)
		}
		seen[name] = f
	}
	return nil
}

func readNotes(file string) (string, error) {
	if file == "" {
		return "", nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("release notes: %w", err)
	}
	return string(b), nil
}

// findOrCreatePatch returns the product's patch with in's number, creating
// a draft when there is none, so that publishing can be run again.
func findOrCreatePatch(ctx context.Context, c *apiClient, in patch.Input, stdout io.Writer) (patch.Patch, error) {
	var list struct {
		Items []patch.Patch `json:"items"`
	}
	q := url.Values{"product": {in.Product}, "number": {in.Number}}
	if err := c.call(ctx, http.MethodGet, "/api/v1/patches?"+q.Encode(), nil, &list); err != nil {
		return patch.Patch{}, err
	}
	for _, p := range list.Items {
		if p.Number != in.Number || p.Product != in.Product {
			continue
		}
		path := "/api/v1/patches/" + url.PathEscape(p.ID)
		var err error
		if p.Status == patch.Draft {
			err = c.call(ctx, http.MethodPatch, path, draftEdit(in), &p)
		} else {
			err = c.call(ctx, http.MethodGet, path, nil, &p) // the list may leave files out
		}
		if err != nil {
			return patch.Patch{}, err
		}
		fmt.Fprintf(stdout, "continuing %s patch %s (%s %s)\n", p.Status, p.ID, p.Product, p.Number)
		return p, nil
	}
	var p patch.Patch
	if err := c.call(ctx, http.MethodPost, "/api/v1/patches", in, &p); err != nil {
		return patch.Patch{}, err
	}
	fmt.Fprintf(stdout, "created draft %s (%s %s)\n", p.ID, p.Product, p.Number)
	return p, nil
}

// draftEdit is the PATCH that makes a draft what the command line says, so
// that a title or range corrected on a re-run is not lost; the notes change
// only when a notes file is given.
func draftEdit(in patch.Input) map[string]any {
	edit := map[string]any{"type": in.Type, "title": in.Title, "applies_to": in.AppliesTo,
		"requires": in.Requires, "supersedes": in.Supersedes, "conflicts_with": in.ConflictsWith}
	if in.Notes != (patch.Text{}) {
		edit["notes"] = in.Notes
	}
	return edit
}

// uploadFile sends file to the draft p unless p already holds it with the
// same SHA-256, retrying failures that may pass.
func uploadFile(ctx context.Context, c *apiClient, p patch.Patch, file string, stdout io.Writer) error {
	name := filepath.Base(file)
	fmt.Fprintf(os.Stderr, "%s: computing its SHA-256\n", name) // a few seconds for a large file
	size, sum, err := hashFile(file)
	if err != nil {
		return err
	}
	if have, ok := p.File(name); ok && have.SHA256 == sum {
		fmt.Fprintf(stdout, "%s: already uploaded (sha256:%s), skipped\n", name, sum)
		return nil
	}
	if p.Status != patch.Draft {
		return fmt.Errorf("%s %s is already %s and its files can no longer change; publish the new files under a new --number", p.Product, p.Number, p.Status)
	}
	bar := newProgress(os.Stderr, isTerminal(os.Stderr), name, size)
	err = withRetries(ctx, uploadAttempts, uploadBackoff, func() error {
		bar.restart()
		return putFile(ctx, c, p.ID, name, file, size, sum, bar)
	}, func(err error, wait time.Duration) {
		fmt.Fprintf(os.Stderr, "\n%s: upload failed (%v); trying again in %s\n", name, err, wait)
	})
	if err != nil {
		return err
	}
	bar.finish()
	return nil
}

// putFile streams the file to the server with its size and SHA-256.
func putFile(ctx context.Context, c *apiClient, id, name, file string, size int64, sum string, bar *progress) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	req, err := c.newRequest(ctx, http.MethodPut, "/api/v1/patches/"+url.PathEscape(id)+"/files/"+url.PathEscape(name), bar.reader(f))
	if err != nil {
		return err
	}
	req.ContentLength = size
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("X-Checksum-Sha256", sum)
	return c.send(req, nil)
}

// hashFile returns the file's size and SHA-256 (lower-case hex), reading it
// as a stream.
func hashFile(file string) (int64, string, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, "", err
	}
	if !st.Mode().IsRegular() {
		return 0, "", fmt.Errorf("%s is not a regular file", file)
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}
