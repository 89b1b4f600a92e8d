package terraform

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadTerraform: any bytes as main.tf give a model or an error, never a
// panic (readTerraform recovers, so the fuzz body also fails on the
// recovered internal errors).
func FuzzReadTerraform(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "testdata", "terraform", "*", "*.tf"))
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`resource "aws_vpc" "a" { count = 3 cidr_block = cidrsubnet("10.0.0.0/8", 8, count.index) }`))
	f.Add([]byte(`locals { a = local.b
b = local.a }
resource "aws_subnet" "s" { cidr_block = local.a }`))
	f.Add([]byte(`module "m" { source = "./" }`))
	f.Add([]byte(`resource "aws_security_group" "g" {
dynamic "egress" {
for_each = var.x
content { cidr_blocks = [egress.value] }
}
}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		fsys := mapTFFS{"root/main.tf": src, "root/t.json": []byte(`[{"image":"x"}]`)}
		m, err := readTerraform("root", Options{}, fsys)
		if err != nil {
			if m != nil {
				t.Fatal("a model with an error")
			}
			if s := err.Error(); len(s) > 0 && containsInternal(s) {
				t.Fatalf("panic: %v", err)
			}
			return
		}
		if len(m.Inputs) != 1 || m.Inputs[0].Dialect == nil {
			t.Fatal("no Terraform input")
		}
	})
}

func containsInternal(s string) bool {
	const k = "(internal error:"
	for i := 0; i+len(k) <= len(s); i++ {
		if s[i:i+len(k)] == k {
			return true
		}
	}
	return false
}
