package terraform

import (
	"errors"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// tfLookupFunc is Terraform's lookup(map, key, default): the element of a
// map or object at key, else the default, which may be null (go-cty's
// stdlib version refuses a null default, and Terraform also takes the
// older two-argument form). Modules write lookup(rule, "cidr_block", null).
var tfLookupFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "inputMap", Type: cty.DynamicPseudoType, AllowMarked: true},
		{Name: "key", Type: cty.String, AllowMarked: true},
	},
	VarParam: &function.Parameter{Name: "default", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true},
	Type:     function.StaticReturnType(cty.DynamicPseudoType),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if len(args) > 3 {
			return cty.NilVal, errors.New("lookup takes at most three arguments")
		}
		m, marks := args[0].Unmark()
		k, _ := args[1].Unmark()
		key := k.AsString()
		ty := m.Type()
		switch {
		case ty.IsObjectType() && ty.HasAttribute(key):
			return m.GetAttr(key).WithMarks(marks), nil
		case ty.IsMapType():
			if v := m.Index(k); m.HasIndex(k).True() {
				return v.WithMarks(marks), nil
			}
		case !ty.IsObjectType():
			return cty.NilVal, errors.New("lookup needs a map or an object")
		}
		if len(args) == 3 {
			return args[2], nil
		}
		return cty.NilVal, errors.New("lookup: no element " + key + " and no default")
	},
})
