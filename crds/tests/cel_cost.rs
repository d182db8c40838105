//! The API server refuses a CRD whose CEL rules it estimates too costly:
//! each rule's cost, times the most objects it may run on (the product of
//! the `maxItems` of the lists above it), must stay under 10^7, and all of a
//! CRD's rules together under 10^8 (`StaticEstimatedCostLimit` and
//! `StaticEstimatedCRDCostLimit` of the apiextensions server). kube-cel, which
//! the other tests evaluate the rules with, does not check this.
//!
//! The estimate here follows the shape of cel-go's (a comprehension costs its
//! list's `maxItems` times its body, `in` the list's size, a string
//! comparison a tenth of the shorter `maxLength`) and errs high: every call
//! and selection costs 1, list literals 10.

use std::collections::HashMap;

use chatops_crds::crd;
use kube::core::cel::cel::{
    Program,
    common::ast::{Expr, LiteralValue},
};
use serde_json::{Value, json};

const RULE_LIMIT: u64 = 10_000_000;
const CRD_LIMIT: u64 = 100_000_000;
/// The size cel-go assumes of a list or string without a bound: as good as unbounded.
const UNBOUNDED: u64 = 3 * 1024 * 1024;

/// Every rule of `schema`, with the most objects it runs on (`None`: unbounded)
/// and the schema it runs on.
fn rules<'a>(
    schema: &'a Value,
    cardinality: Option<u64>,
    path: String,
    into: &mut Vec<(String, String, Option<u64>, &'a Value)>,
) {
    for rule in schema["x-kubernetes-validations"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let text = rule["rule"].as_str().unwrap_or_default().to_owned();
        into.push((path.clone(), text, cardinality, schema));
    }
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        rules(property, cardinality, format!("{path}.{name}"), into);
    }
    if schema["items"].is_object() {
        let times = schema["maxItems"].as_u64();
        let inner = cardinality.zip(times).map(|(c, t)| c.saturating_mul(t));
        rules(&schema["items"], inner, format!("{path}[]"), into);
    }
    if schema["additionalProperties"].is_object() {
        let times = schema["maxProperties"].as_u64();
        let inner = cardinality.zip(times).map(|(c, t)| c.saturating_mul(t));
        rules(&schema["additionalProperties"], inner, format!("{path}.*"), into);
    }
}

/// What an expression is known to be: the schema of a field, or a literal list's length.
#[derive(Clone, Copy)]
enum Shape<'a> {
    Schema(&'a Value),
    Literal(u64),
    Unknown,
}

impl Shape<'_> {
    /// The most items (list) or characters (string) it may have.
    fn size(self) -> u64 {
        match self {
            Shape::Schema(s) => s["maxItems"]
                .as_u64()
                .or(s["maxLength"].as_u64())
                .or(s["maxProperties"].as_u64())
                .unwrap_or(UNBOUNDED),
            Shape::Literal(n) => n,
            Shape::Unknown => UNBOUNDED,
        }
    }

    fn is_string(self) -> bool {
        matches!(self, Shape::Schema(s) if s["type"] == "string")
    }
}

/// The estimated cost of `expr` where `scope` gives the schema of each variable.
fn cost<'a>(expr: &Expr, scope: &HashMap<String, Shape<'a>>) -> (u64, Shape<'a>) {
    match expr {
        Expr::Ident(name) => (1, scope.get(name).copied().unwrap_or(Shape::Unknown)),
        Expr::Literal(LiteralValue::String(s)) => (0, Shape::Literal(s.len() as u64)),
        Expr::Literal(_) => (0, Shape::Unknown),
        Expr::Select(select) => {
            let (operand, shape) = cost(&select.operand.expr, scope);
            let field = match shape {
                Shape::Schema(s) if s["properties"][&select.field].is_object() => {
                    Shape::Schema(&s["properties"][&select.field])
                }
                _ => Shape::Unknown,
            };
            (operand + 1, field)
        }
        Expr::List(list) => {
            let elements: u64 = list.elements.iter().map(|e| cost(&e.expr, scope).0).sum();
            (10 + elements, Shape::Literal(list.elements.len() as u64))
        }
        Expr::Call(call) => {
            let target = call.target.as_ref().map(|t| cost(&t.expr, scope));
            let args: Vec<(u64, Shape<'a>)> = call.args.iter().map(|a| cost(&a.expr, scope)).collect();
            let mut total = 1 + target.map_or(0, |t| t.0) + args.iter().map(|a| a.0).sum::<u64>();
            match call.func_name.as_str() {
                "@in" => total += args.get(1).map_or(UNBOUNDED, |a| a.1.size()),
                "_==_" | "_!=_" if args.iter().any(|a| a.1.is_string()) => {
                    let shorter = args.iter().map(|a| a.1.size()).min().unwrap_or(UNBOUNDED);
                    total += shorter.div_ceil(10);
                }
                _ => {}
            }
            (total, Shape::Unknown)
        }
        Expr::Comprehension(comprehension) => {
            let (range, shape) = cost(&comprehension.iter_range.expr, scope);
            let item = match shape {
                Shape::Schema(s) if s["items"].is_object() => Shape::Schema(&s["items"]),
                _ => Shape::Unknown,
            };
            let mut inner = scope.clone();
            inner.insert(comprehension.iter_var.clone(), item);
            inner.insert(comprehension.accu_var.clone(), Shape::Unknown);
            let step =
                cost(&comprehension.loop_step.expr, &inner).0 + cost(&comprehension.loop_cond.expr, &inner).0;
            let once = range
                + cost(&comprehension.accu_init.expr, scope).0
                + cost(&comprehension.result.expr, &inner).0;
            (
                once.saturating_add(shape.size().saturating_mul(step)),
                Shape::Unknown,
            )
        }
        _ => (1, Shape::Unknown),
    }
}

/// The cost of `rule` on an object of `schema`, times `cardinality`.
fn estimate(rule: &str, schema: &Value, cardinality: Option<u64>) -> u64 {
    let program = Program::compile(rule).unwrap_or_else(|e| panic!("{rule} does not parse: {e:?}"));
    let scope = HashMap::from([("self".to_owned(), Shape::Schema(schema))]);
    let (each, _) = cost(&program.expression().expr, &scope);
    each.saturating_mul(cardinality.unwrap_or(UNBOUNDED))
}

#[test]
fn every_crd_fits_the_api_servers_cel_cost_budget() {
    let mut checked = 0;
    for definition in crd::all() {
        let kind = &definition.spec.names.kind;
        for version in &definition.spec.versions {
            let schema = serde_json::to_value(&version.schema).unwrap();
            let mut found = Vec::new();
            rules(&schema["openAPIV3Schema"], Some(1), String::new(), &mut found);
            let mut total = 0u64;
            for (path, rule, cardinality, at) in found {
                assert!(
                    cardinality.is_some(),
                    "{kind}{path}: `{rule}` runs under a list without maxItems"
                );
                let cost = estimate(&rule, at, cardinality);
                checked += 1;
                assert!(
                    cost <= RULE_LIMIT,
                    "{kind}{path}: `{rule}` is estimated at {cost} (x{cardinality:?} objects), over {RULE_LIMIT}"
                );
                total = total.saturating_add(cost);
            }
            assert!(
                total <= CRD_LIMIT,
                "{kind}: its rules are estimated at {total} together, over {CRD_LIMIT}"
            );
        }
    }
    assert!(checked >= 15, "only {checked} rules found: the walk misses some");
}

/// The estimate catches what it is for: a quadratic uniqueness rule on
/// panels' variables, under 100 dashboards of 100 panels.
#[test]
fn a_quadratic_rule_under_large_lists_is_over_budget() {
    let rule =
        "!has(self.variables) || self.variables.all(v, self.variables.exists_one(w, w.name == v.name))";
    let panel = json!({
        "type": "object",
        "properties": {"variables": {"type": "array", "maxItems": 20, "items": {
            "type": "object", "properties": {"name": {"type": "string", "maxLength": 64}},
        }}},
    });
    assert!(estimate(rule, &panel, Some(100 * 100)) > RULE_LIMIT);
    assert!(estimate(rule, &panel, Some(10)) < RULE_LIMIT);
    // Without bounds, nothing is cheap.
    let unbounded =
        json!({"type": "object", "properties": {"choices": {"type": "array", "items": {"type": "string"}}}});
    assert!(estimate("'a' in self.choices", &unbounded, Some(1)) >= UNBOUNDED);
}
