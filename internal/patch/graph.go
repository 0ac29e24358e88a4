package patch

// CheckGraph validates a patch against the product's other patches before
// it is stored or published.
func CheckGraph(others []Node, n Node) error {
	return nil
}
