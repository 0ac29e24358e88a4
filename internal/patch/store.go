package patch

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// Store is the SQL of patches. Patches and their files are the vendor's
// content, not an organisation's, so reads are not scoped by organisation;
// the service decides who sees drafts. Download counts name organisations
// and are read by vendor staff only.
type Store struct{ db *db.DB }

// NewStore returns the store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// DB returns the database, for the service's transactions.
func (s *Store) DB() *db.DB { return s.db }

// ErrNumberTaken is a patch number the product already has.
var ErrNumberTaken = &problem.Error{Status: 409, Code: "patch.number_taken",
	Fields: []problem.Field{{Field: "number", Message: "field.patch_number_taken"}}}

const patchColumns = "id, product, number, type, title_zh, title_en, notes_zh, notes_en, applies_to, requires, supersedes, " +
	"conflicts_with, status, withdrawn_reason, created_at, updated_at, published_at, withdrawn_at"

func scanPatch(row db.Scanner) (Patch, error) {
	var (
		p                               Patch
		requires, supersedes, conflicts string
		published, withdrawn            sql.NullTime
	)
	err := row.Scan(&p.ID, &p.Product, &p.Number, &p.Type, &p.Title.Zh, &p.Title.En, &p.Notes.Zh, &p.Notes.En, &p.AppliesTo,
		&requires, &supersedes, &conflicts, &p.Status, &p.WithdrawnReason, &p.CreatedAt, &p.UpdatedAt, &published, &withdrawn)
	if errors.Is(err, sql.ErrNoRows) {
		return Patch{}, problem.ErrNotFound
	}
	if err != nil {
		return Patch{}, err
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	p.PublishedAt, p.WithdrawnAt = utcPtr(published), utcPtr(withdrawn)
	p.Files = []File{}
	for _, rel := range []struct {
		raw string
		to  *[]string
	}{{requires, &p.Requires}, {supersedes, &p.Supersedes}, {conflicts, &p.ConflictsWith}} {
		if err := json.Unmarshal([]byte(rel.raw), rel.to); err != nil {
			return Patch{}, fmt.Errorf("patch %s: %w", p.ID, err)
		}
	}
	return p, nil
}

func utcPtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	at := t.Time.UTC()
	return &at
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

func patchArgs(p Patch) []any {
	enc := func(list []string) string {
		raw, _ := json.Marshal(list) // a []string always encodes
		return string(raw)
	}
	return []any{p.ID, p.Product, p.Number, p.Type, p.Title.Zh, p.Title.En, p.Notes.Zh, p.Notes.En, p.AppliesTo,
		enc(p.Requires), enc(p.Supersedes), enc(p.ConflictsWith), p.Status, p.WithdrawnReason, p.CreatedAt, p.UpdatedAt,
		nullTime(p.PublishedAt), nullTime(p.WithdrawnAt)}
}

// Insert stores a new patch; a number the product already has is ErrNumberTaken.
func (s *Store) Insert(ctx context.Context, tx *db.Tx, p Patch) error {
	_, err := tx.Exec(ctx, "INSERT INTO patches ("+patchColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", patchArgs(p)...)
	if db.IsUniqueViolation(err) {
		return ErrNumberTaken
	}
	return err
}

// Update writes every column of a patch but its id, product and number.
func (s *Store) Update(ctx context.Context, tx *db.Tx, p Patch) error {
	all := patchArgs(p) // id, product, number, type … withdrawn_reason, created_at, updated_at, published_at, withdrawn_at
	args := append(append(append([]any{}, all[3:14]...), all[15:]...), p.ID)
	_, err := tx.Exec(ctx, `UPDATE patches SET type = ?, title_zh = ?, title_en = ?, notes_zh = ?, notes_en = ?, applies_to = ?,
		requires = ?, supersedes = ?, conflicts_with = ?, status = ?, withdrawn_reason = ?, updated_at = ?, published_at = ?,
		withdrawn_at = ? WHERE id = ?`, args...)
	return err
}

// Get returns a patch with its files; problem.ErrNotFound when there is none.
func (s *Store) Get(ctx context.Context, q db.Querier, id string) (Patch, error) {
	p, err := scanPatch(q.QueryRow(ctx, "SELECT "+patchColumns+" FROM patches WHERE id = ?", id))
	if err != nil {
		return Patch{}, err
	}
	list := []Patch{p}
	err = s.attachFiles(ctx, q, list)
	return list[0], err
}

// List returns patches matching f in creation order after the cursor (up
// to limit); drafts only when drafts is true.
func (s *Store) List(ctx context.Context, f Filter, drafts bool, after string, limit int) ([]Patch, error) {
	where, args := []string{"id > ?"}, []any{after}
	for col, v := range map[string]string{"product": f.Product, "number": f.Number, "status": f.Status} {
		if v != "" {
			where, args = append(where, col+" = ?"), append(args, v)
		}
	}
	if !drafts {
		where, args = append(where, "status <> ?"), append(args, Draft)
	}
	return s.query(ctx, s.db, "SELECT "+patchColumns+" FROM patches WHERE "+strings.Join(where, " AND ")+" ORDER BY id LIMIT ?", append(args, limit)...)
}

// Product returns every patch of a product, drafts included, in creation order.
func (s *Store) Product(ctx context.Context, q db.Querier, product string) ([]Patch, error) {
	return s.query(ctx, q, "SELECT "+patchColumns+" FROM patches WHERE product = ? ORDER BY id", product)
}

func (s *Store) query(ctx context.Context, q db.Querier, query string, args ...any) ([]Patch, error) {
	list, err := db.QueryAll(ctx, q, scanPatch, query, args...)
	if err != nil {
		return nil, err
	}
	return list, s.attachFiles(ctx, q, list)
}

const fileColumns = "patch_id, name, size, sha256, signature, key_id, status, created_at"

type patchFile struct {
	patchID string
	File
}

func scanFile(row db.Scanner) (patchFile, error) {
	var f patchFile
	err := row.Scan(&f.patchID, &f.Name, &f.Size, &f.SHA256, &f.Signature, &f.KeyID, &f.Status, &f.CreatedAt)
	f.CreatedAt = f.CreatedAt.UTC()
	return f, err
}

// attachFiles fills in the files of the patches, by name.
func (s *Store) attachFiles(ctx context.Context, q db.Querier, list []Patch) error {
	if len(list) == 0 {
		return nil
	}
	ids, marks := make([]any, len(list)), make([]string, len(list))
	at := map[string]int{}
	for i, p := range list {
		ids[i], marks[i], at[p.ID] = p.ID, "?", i
	}
	files, err := db.QueryAll(ctx, q, scanFile, "SELECT "+fileColumns+" FROM patch_files WHERE patch_id IN ("+strings.Join(marks, ", ")+") ORDER BY patch_id, name", ids...)
	for _, f := range files {
		i := at[f.patchID]
		list[i].Files = append(list[i].Files, f.File)
	}
	return err
}

// PutFile stores a file row, replacing the patch's file of that name.
func (s *Store) PutFile(ctx context.Context, tx *db.Tx, patchID string, f File) error {
	_, err := tx.Exec(ctx, "INSERT INTO patch_files ("+fileColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?) "+
		"ON CONFLICT (patch_id, name) DO UPDATE SET size = excluded.size, sha256 = excluded.sha256, signature = excluded.signature, "+
		"key_id = excluded.key_id, status = excluded.status, checked_at = NULL, created_at = excluded.created_at",
		patchID, f.Name, f.Size, f.SHA256, f.Signature, f.KeyID, f.Status, f.CreatedAt)
	return err
}

// SignedWith returns every file signed with the key, whatever its patch's
// or its own status.
func (s *Store) SignedWith(ctx context.Context, tx *db.Tx, keyID string) ([]patchFile, error) {
	return db.QueryAll(ctx, tx, scanFile, "SELECT "+fileColumns+" FROM patch_files WHERE key_id = ? ORDER BY patch_id, name", keyID)
}

// SetSignature replaces a file's signature and the key that made it.
func (s *Store) SetSignature(ctx context.Context, tx *db.Tx, patchID, name, signature, keyID string) error {
	_, err := tx.Exec(ctx, "UPDATE patch_files SET signature = ?, key_id = ? WHERE patch_id = ? AND name = ?", signature, keyID, patchID, name)
	return err
}

// Signed is a stored file with the patch it belongs to, for the public
// signature lookup.
type Signed struct {
	File
	PatchID, Number, Product, PatchStatus string
}

// BySHA256 returns the files of published patches with that content.
func (s *Store) BySHA256(ctx context.Context, sha string) ([]Signed, error) {
	return db.QueryAll(ctx, s.db, func(row db.Scanner) (Signed, error) {
		var f Signed
		err := row.Scan(&f.PatchID, &f.Name, &f.Size, &f.SHA256, &f.Signature, &f.KeyID, &f.Status, &f.CreatedAt, &f.Number, &f.Product, &f.PatchStatus)
		return f, err
	}, "SELECT f.patch_id, f.name, f.size, f.sha256, f.signature, f.key_id, f.status, f.created_at, p.number, p.product, p.status "+
		"FROM patch_files f JOIN patches p ON p.id = f.patch_id WHERE f.sha256 = ? AND p.status = ? ORDER BY p.id, f.name", sha, Published)
}

// References counts the file rows that name the content.
func (s *Store) References(ctx context.Context, q db.Querier, sha string) (int, error) {
	var n int
	err := q.QueryRow(ctx, "SELECT COUNT(*) FROM patch_files WHERE sha256 = ?", sha).Scan(&n)
	return n, err
}

// DueForScrub returns up to limit distinct contents (SHA-256 and size), those
// never checked or checked longest ago first.
func (s *Store) DueForScrub(ctx context.Context, limit int) ([]File, error) {
	return db.QueryAll(ctx, s.db, func(row db.Scanner) (File, error) {
		var f File
		err := row.Scan(&f.SHA256, &f.Size)
		return f, err
	}, `SELECT sha256, MAX(size) FROM patch_files WHERE status = ? GROUP BY sha256
		ORDER BY MIN(CASE WHEN checked_at IS NULL THEN 0 ELSE 1 END), MIN(checked_at), sha256 LIMIT ?`, FileAvailable, limit)
}

// Checked records the scrub's look at a content (housekeeping, no change a
// person made).
func (s *Store) Checked(ctx context.Context, sha string, at time.Time) error {
	_, err := s.db.Exec(ctx, "UPDATE patch_files SET checked_at = ? WHERE sha256 = ?", at, sha)
	return err
}

// Quarantine takes every file with the content out of service and returns
// the files it changed with their patches' numbers.
func (s *Store) Quarantine(ctx context.Context, tx *db.Tx, sha string, at time.Time) ([]Signed, error) {
	files, err := db.QueryAll(ctx, tx, func(row db.Scanner) (Signed, error) {
		var f Signed
		err := row.Scan(&f.PatchID, &f.Name, &f.Number, &f.Product)
		return f, err
	}, "SELECT f.patch_id, f.name, p.number, p.product FROM patch_files f JOIN patches p ON p.id = f.patch_id WHERE f.sha256 = ? AND f.status = ? ORDER BY f.patch_id, f.name",
		sha, FileAvailable)
	if err != nil || len(files) == 0 {
		return files, err
	}
	_, err = tx.Exec(ctx, "UPDATE patch_files SET status = ?, checked_at = ? WHERE sha256 = ? AND status = ?", FileQuarantined, at, sha, FileAvailable)
	return files, err
}

// DownloadCount is one file's downloads by one organisation.
type DownloadCount struct {
	PatchID string    `json:"-"`
	Name    string    `json:"file"`
	OrgID   string    `json:"org_id"`
	Count   int64     `json:"count"`
	LastAt  time.Time `json:"last_at"`
}

// AddDownloads adds counts in one statement (the periodic flush of a
// counter, housekeeping: no change a person made).
func (s *Store) AddDownloads(ctx context.Context, counts []DownloadCount) error {
	if len(counts) == 0 {
		return nil
	}
	rows, args := make([]string, len(counts)), make([]any, 0, 5*len(counts))
	for i, c := range counts {
		rows[i] = "(?, ?, ?, ?, ?)"
		args = append(args, c.PatchID, c.Name, c.OrgID, c.Count, c.LastAt)
	}
	_, err := s.db.Exec(ctx, "INSERT INTO patch_downloads (patch_id, name, org_id, count, last_at) VALUES "+strings.Join(rows, ", ")+
		" ON CONFLICT (patch_id, name, org_id) DO UPDATE SET count = patch_downloads.count + excluded.count, "+
		"last_at = CASE WHEN excluded.last_at > patch_downloads.last_at THEN excluded.last_at ELSE patch_downloads.last_at END", args...)
	return err
}

// Downloads returns a patch's counts by file and organisation.
func (s *Store) Downloads(ctx context.Context, patchID string) ([]DownloadCount, error) {
	return db.QueryAll(ctx, s.db, func(row db.Scanner) (DownloadCount, error) {
		var c DownloadCount
		err := row.Scan(&c.PatchID, &c.Name, &c.OrgID, &c.Count, &c.LastAt)
		c.LastAt = c.LastAt.UTC()
		return c, err
	}, "SELECT patch_id, name, org_id, count, last_at FROM patch_downloads WHERE patch_id = ? ORDER BY name, org_id", patchID)
}
