package lifecycle

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// Store is the SQL of the lifecycle table. Products and versions are the
// vendor's public data, not an organisation's, so nothing here is scoped.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// DB returns the database, for transactions.
func (s *Store) DB() *db.DB { return s.db }

// InsertProduct stores a product and its modules.
func (s *Store) InsertProduct(ctx context.Context, tx *db.Tx, p Product, at time.Time) error {
	deployments, err := json.Marshal(p.Deployments)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "INSERT INTO products (code, name_zh, name_en, deployments, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
		p.Code, p.Name.Zh, p.Name.En, string(deployments), at, at); err != nil {
		if db.IsUniqueViolation(err) {
			return ErrProductExists
		}
		return err
	}
	for i, m := range p.Modules {
		if _, err := tx.Exec(ctx, "INSERT INTO product_modules (product, code, name_zh, name_en, position) VALUES (?, ?, ?, ?, ?)",
			p.Code, m.Code, m.Name.Zh, m.Name.En, i); err != nil {
			return err
		}
	}
	return nil
}

// Products returns every product by code, with its modules.
func (s *Store) Products(ctx context.Context, q db.Querier) ([]Product, error) {
	products, err := db.QueryAll(ctx, q, scanProduct, "SELECT code, name_zh, name_en, deployments FROM products ORDER BY code")
	if err != nil {
		return nil, err
	}
	modules, err := db.QueryAll(ctx, q, scanModule, "SELECT product, code, name_zh, name_en FROM product_modules ORDER BY product, position")
	if err != nil {
		return nil, err
	}
	byProduct := map[string][]Module{}
	for _, m := range modules {
		byProduct[m.product] = append(byProduct[m.product], m.Module)
	}
	for i := range products {
		if ms := byProduct[products[i].Code]; ms != nil {
			products[i].Modules = ms
		}
	}
	return products, nil
}

// Product returns one product with its modules.
func (s *Store) Product(ctx context.Context, q db.Querier, code string) (Product, error) {
	p, err := scanProduct(q.QueryRow(ctx, "SELECT code, name_zh, name_en, deployments FROM products WHERE code = ?", code))
	if errors.Is(err, sql.ErrNoRows) {
		return Product{}, problem.ErrNotFound
	}
	if err != nil {
		return Product{}, err
	}
	modules, err := db.QueryAll(ctx, q, scanModule, "SELECT product, code, name_zh, name_en FROM product_modules WHERE product = ? ORDER BY position", code)
	for _, m := range modules {
		p.Modules = append(p.Modules, m.Module)
	}
	return p, err
}

func scanProduct(row db.Scanner) (Product, error) {
	var p Product
	var deployments string
	if err := row.Scan(&p.Code, &p.Name.Zh, &p.Name.En, &deployments); err != nil {
		return Product{}, err
	}
	p.Modules = []Module{}
	return p, json.Unmarshal([]byte(deployments), &p.Deployments)
}

type productModule struct {
	product string
	Module
}

func scanModule(row db.Scanner) (productModule, error) {
	var m productModule
	err := row.Scan(&m.product, &m.Code, &m.Name.Zh, &m.Name.En)
	return m, err
}

const versionColumns = "product, name, released_on, standard_support_until, extended_support_until"

func scanVersion(row db.Scanner) (Version, error) {
	var v Version
	var extended sql.NullString
	err := row.Scan(&v.Product, &v.Name, &v.ReleasedOn, &v.StandardSupportUntil, &extended)
	v.ExtendedSupportUntil = extended.String
	return v, err
}

// InsertVersion stores a version of a product.
func (s *Store) InsertVersion(ctx context.Context, tx *db.Tx, v Version, at time.Time) error {
	var extended any
	if v.ExtendedSupportUntil != "" {
		extended = v.ExtendedSupportUntil
	}
	_, err := tx.Exec(ctx, "INSERT INTO product_versions ("+versionColumns+", created_at) VALUES (?, ?, ?, ?, ?, ?)",
		v.Product, v.Name, v.ReleasedOn, v.StandardSupportUntil, extended, at)
	if db.IsUniqueViolation(err) {
		return ErrVersionExists
	}
	return err
}

// Versions returns a product's versions, oldest release first.
func (s *Store) Versions(ctx context.Context, q db.Querier, product string) ([]Version, error) {
	return db.QueryAll(ctx, q, scanVersion, "SELECT "+versionColumns+" FROM product_versions WHERE product = ? ORDER BY released_on, name", product)
}

// Version returns one version of a product.
func (s *Store) Version(ctx context.Context, q db.Querier, product, name string) (Version, bool, error) {
	v, err := scanVersion(q.QueryRow(ctx, "SELECT "+versionColumns+" FROM product_versions WHERE product = ? AND name = ?", product, name))
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, false, nil
	}
	return v, err == nil, err
}
