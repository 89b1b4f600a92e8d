package pullpath

import "errors"

// TerraformOptions are the variable values of Terraform root modules.
type TerraformOptions struct {
	Vars, VarFiles, Env []string
}

// ReadTerraform reads a Terraform root module (not yet supported).
func ReadTerraform(dir string, opts TerraformOptions) (*Model, error) {
	return nil, errors.New(dir + ": Terraform is not read yet")
}
