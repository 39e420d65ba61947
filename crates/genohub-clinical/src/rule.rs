//! The cohort rule language of `genohub cohort create NAME --where RULE` (docs/clinical.md):
//!
//! ```text
//! rule       := or
//! or         := and ("or" and)*
//! and        := unary ("and" unary)*
//! unary      := "not" unary | "(" rule ")" | comparison
//! comparison := FIELD OP VALUE | FIELD "in" "(" VALUE ("," VALUE)* ")"
//! OP         := "=" | "!=" | "<" | "<=" | ">" | ">="
//! VALUE      := number | word | 'quoted text' | "quoted text"
//! ```
//!
//! A field may have several values for one patient (several diseases, treatments): `=`, `in`
//! and the orderings hold when any value satisfies them; `!=` holds when none is equal, so it
//! is exactly `not (FIELD = VALUE)`. Text compares case-insensitively. Parsing checks field
//! names, operators and value types, and errors give the 1-based column.

use crate::record::{Response, SampleType};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rule, column {column}: {message}")]
pub struct RuleError {
    /// 1-based character column of the offending token.
    pub column: usize,
    pub message: String,
}

impl RuleError {
    /// The rule, a caret under the column, and the message: for terminals.
    pub fn render(&self, rule: &str) -> String {
        format!("{rule}\n{}^\n{}", " ".repeat(self.column.saturating_sub(1)), self)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Number,
    Bool,
}

/// Every field a rule may name, with its kind and what it means.
pub const FIELDS: &[(&str, FieldKind, &str)] = &[
    ("cancer_type", FieldKind::Text, "OncoTree code of any of the patient's diseases (LUAD)"),
    ("diagnosis", FieldKind::Text, "any disease term as a CURIE (ICD10:C34.1, MONDO:0005061, oncotree:LUAD)"),
    ("age_at_diagnosis", FieldKind::Number, "age in years at the onset of any disease"),
    ("stage", FieldKind::Text, "clinical or pathological stage: CURIE, label (Stage IV) or numeral (IV)"),
    ("sex", FieldKind::Text, "female, male, other, unknown"),
    ("sample_type", FieldKind::Text, "tumor, normal, germline (of the sample itself)"),
    ("tissue", FieldKind::Text, "sampled tissue of the sample: CURIE or label"),
    ("histology", FieldKind::Text, "histological diagnosis of the sample: CURIE or label"),
    ("center", FieldKind::Text, "sequencing center of the sample"),
    ("hospital", FieldKind::Text, "any hospital that registered the patient"),
    ("drug", FieldKind::Text, "any treatment agent: CURIE or label"),
    ("line", FieldKind::Number, "line of therapy of any treatment"),
    ("response", FieldKind::Text, "RECIST response of any treatment: CR, PR, SD, PD"),
    ("vital_status", FieldKind::Text, "alive, deceased, unknown"),
    ("survival_days", FieldKind::Number, "days from diagnosis to death or last follow-up"),
    ("consent", FieldKind::Text, "DUO permission in force: shorthand (GRU) or CURIE"),
    ("secondary_use", FieldKind::Bool, "secondary use allowed by the consent in force"),
    ("recontact", FieldKind::Bool, "re-contact allowed by the consent in force"),
];

fn field_kind(name: &str) -> Option<FieldKind> {
    FIELDS.iter().find(|(n, _, _)| *n == name).map(|(_, k, _)| *k)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
    Bool(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    And(Box<Rule>, Box<Rule>),
    Or(Box<Rule>, Box<Rule>),
    Not(Box<Rule>),
    Compare { field: String, op: Op, value: Value },
    In { field: String, values: Vec<Value> },
}

/// The values a subject has for a field; [`Rule::matches`] asks for them.
pub trait Subject {
    fn values(&self, field: &str) -> Vec<Value>;
}

impl Rule {
    pub fn matches(&self, s: &dyn Subject) -> bool {
        match self {
            Rule::And(a, b) => a.matches(s) && b.matches(s),
            Rule::Or(a, b) => a.matches(s) || b.matches(s),
            Rule::Not(a) => !a.matches(s),
            Rule::Compare { field, op: Op::Ne, value } => !s.values(field).iter().any(|v| equal(v, value)),
            Rule::Compare { field, op, value } => s.values(field).iter().any(|v| compare(v, *op, value)),
            Rule::In { field, values } => s.values(field).iter().any(|v| values.iter().any(|w| equal(v, w))),
        }
    }

    /// Every field the rule names.
    pub fn fields(&self) -> Vec<&str> {
        match self {
            Rule::And(a, b) | Rule::Or(a, b) => {
                let mut f = a.fields();
                f.extend(b.fields());
                f
            }
            Rule::Not(a) => a.fields(),
            Rule::Compare { field, .. } | Rule::In { field, .. } => vec![field.as_str()],
        }
    }
}

fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Text(x), Value::Text(y)) => x.eq_ignore_ascii_case(y),
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        _ => false,
    }
}

fn compare(a: &Value, op: Op, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match op {
            Op::Eq => x == y,
            Op::Ne => x != y,
            Op::Lt => x < y,
            Op::Le => x <= y,
            Op::Gt => x > y,
            Op::Ge => x >= y,
        },
        _ => op == Op::Eq && equal(a, b),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Quoted(String),
    Op(Op),
    In,
    And,
    Or,
    Not,
    Open,
    Close,
    Comma,
    End,
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Word(w) => format!("{w:?}"),
        Tok::Quoted(q) => format!("'{q}'"),
        Tok::Op(_) => "an operator".into(),
        Tok::In => "\"in\"".into(),
        Tok::And => "\"and\"".into(),
        Tok::Or => "\"or\"".into(),
        Tok::Not => "\"not\"".into(),
        Tok::Open => "\"(\"".into(),
        Tok::Close => "\")\"".into(),
        Tok::Comma => "\",\"".into(),
        Tok::End => "the end of the rule".into(),
    }
}

fn err(column: usize, message: impl Into<String>) -> RuleError {
    RuleError { column, message: message.into() }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || "_:.-/+".contains(c)
}

fn tokenize(rule: &str) -> Result<Vec<(Tok, usize)>, RuleError> {
    let chars: Vec<char> = rule.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        let (tok, len) = match c {
            '(' => (Tok::Open, 1),
            ')' => (Tok::Close, 1),
            ',' => (Tok::Comma, 1),
            '=' if two == "==" => (Tok::Op(Op::Eq), 2),
            '=' => (Tok::Op(Op::Eq), 1),
            '!' if two == "!=" => (Tok::Op(Op::Ne), 2),
            '<' if two == "<=" => (Tok::Op(Op::Le), 2),
            '<' if two == "<>" => (Tok::Op(Op::Ne), 2),
            '<' => (Tok::Op(Op::Lt), 1),
            '>' if two == ">=" => (Tok::Op(Op::Ge), 2),
            '>' => (Tok::Op(Op::Gt), 1),
            '\'' | '"' => {
                let end = chars[i + 1..].iter().position(|&d| d == c).ok_or_else(|| err(col, "unterminated quoted value"))?;
                (Tok::Quoted(chars[i + 1..i + 1 + end].iter().collect()), end + 2)
            }
            c if is_word_char(c) => {
                let len = chars[i..].iter().take_while(|&&d| is_word_char(d)).count();
                let word: String = chars[i..i + len].iter().collect();
                let tok = match word.to_ascii_lowercase().as_str() {
                    "and" => Tok::And,
                    "or" => Tok::Or,
                    "not" => Tok::Not,
                    "in" => Tok::In,
                    _ => Tok::Word(word),
                };
                (tok, len)
            }
            other => return Err(err(col, format!("unexpected character {other:?}"))),
        };
        out.push((tok, col));
        i += len;
    }
    out.push((Tok::End, chars.len() + 1));
    Ok(out)
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> &(Tok, usize) {
        &self.toks[self.at]
    }

    fn next(&mut self) -> (Tok, usize) {
        let t = self.toks[self.at].clone();
        if self.at + 1 < self.toks.len() {
            self.at += 1;
        }
        t
    }

    fn or(&mut self) -> Result<Rule, RuleError> {
        let mut left = self.and()?;
        while self.peek().0 == Tok::Or {
            self.next();
            left = Rule::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Rule, RuleError> {
        let mut left = self.unary()?;
        while self.peek().0 == Tok::And {
            self.next();
            left = Rule::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Rule, RuleError> {
        match self.next() {
            (Tok::Not, _) => Ok(Rule::Not(Box::new(self.unary()?))),
            (Tok::Open, col) => {
                let inner = self.or()?;
                match self.next() {
                    (Tok::Close, _) => Ok(inner),
                    (t, c) => Err(err(c, format!("expected \")\" closing the \"(\" at column {col}, found {}", describe(&t)))),
                }
            }
            (Tok::Word(field), col) => self.comparison(field, col),
            (t, c) => Err(err(c, format!("expected a field name, \"not\" or \"(\", found {}", describe(&t)))),
        }
    }

    fn comparison(&mut self, field: String, col: usize) -> Result<Rule, RuleError> {
        let name = field.to_ascii_lowercase();
        let Some(kind) = field_kind(&name) else {
            let known: Vec<&str> = FIELDS.iter().map(|f| f.0).collect();
            return Err(err(col, format!("unknown field {field:?} (known: {})", known.join(", "))));
        };
        match self.next() {
            (Tok::Op(op), op_col) => {
                if kind != FieldKind::Number && !matches!(op, Op::Eq | Op::Ne) {
                    return Err(err(op_col, format!("{name} is not a number: only = and != apply")));
                }
                let value = self.value(&name, kind)?;
                Ok(Rule::Compare { field: name, op, value })
            }
            (Tok::In, _) => {
                match self.next() {
                    (Tok::Open, _) => {}
                    (t, c) => return Err(err(c, format!("expected \"(\" after \"in\", found {}", describe(&t)))),
                }
                let mut values = vec![self.value(&name, kind)?];
                loop {
                    match self.next() {
                        (Tok::Comma, _) => values.push(self.value(&name, kind)?),
                        (Tok::Close, _) => break,
                        (t, c) => return Err(err(c, format!("expected \",\" or \")\" in the list, found {}", describe(&t)))),
                    }
                }
                Ok(Rule::In { field: name, values })
            }
            (t, c) => Err(err(c, format!("expected an operator (=, !=, <, <=, >, >=) or \"in\" after {name}, found {}", describe(&t)))),
        }
    }

    fn value(&mut self, field: &str, kind: FieldKind) -> Result<Value, RuleError> {
        let (tok, col) = self.next();
        let text = match tok {
            Tok::Word(w) | Tok::Quoted(w) => w,
            t => return Err(err(col, format!("expected a value for {field}, found {}", describe(&t)))),
        };
        match kind {
            FieldKind::Number => {
                text.parse::<f64>().ok().filter(|v| v.is_finite()).map(Value::Number).ok_or_else(|| err(col, format!("{field} takes a number, not {text:?}")))
            }
            FieldKind::Bool => match text.to_ascii_lowercase().as_str() {
                "yes" | "true" | "y" => Ok(Value::Bool(true)),
                "no" | "false" | "n" => Ok(Value::Bool(false)),
                _ => Err(err(col, format!("{field} takes yes or no, not {text:?}"))),
            },
            FieldKind::Text => {
                let allowed: Option<&[&str]> = match field {
                    "sex" => Some(&["female", "male", "other", "unknown"]),
                    "vital_status" => Some(&["alive", "deceased", "unknown"]),
                    "response" => Some(&["CR", "PR", "SD", "PD"]),
                    _ => None,
                };
                if let Some(allowed) = allowed {
                    if !allowed.iter().any(|a| a.eq_ignore_ascii_case(&text)) {
                        return Err(err(col, format!("{field} is one of {}, not {text:?}", allowed.join(", "))));
                    }
                }
                if field == "sample_type" {
                    let t = SampleType::parse(&text).ok_or_else(|| err(col, format!("sample_type is one of tumor, normal, germline, not {text:?}")))?;
                    return Ok(Value::Text(t.name().into()));
                }
                if field == "response" {
                    return Ok(Value::Text(Response::parse(&text).map(|r| r.name().to_string()).unwrap_or(text)));
                }
                Ok(Value::Text(text))
            }
        }
    }
}

/// Parses a rule; nothing is evaluated.
pub fn parse_rule(rule: &str) -> Result<Rule, RuleError> {
    let toks = tokenize(rule)?;
    if toks.len() == 1 {
        return Err(err(1, "empty rule"));
    }
    let mut p = Parser { toks, at: 0 };
    let r = p.or()?;
    match p.next() {
        (Tok::End, _) => Ok(r),
        (t, c) => Err(err(c, format!("expected \"and\", \"or\" or the end of the rule, found {}", describe(&t)))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct S(HashMap<&'static str, Vec<Value>>);
    impl Subject for S {
        fn values(&self, field: &str) -> Vec<Value> {
            self.0.get(field).cloned().unwrap_or_default()
        }
    }

    fn subject() -> S {
        let t = |s: &str| Value::Text(s.into());
        S(HashMap::from([
            ("cancer_type", vec![t("LUAD"), t("BRCA")]),
            ("sex", vec![t("female")]),
            ("age_at_diagnosis", vec![Value::Number(48.0), Value::Number(61.5)]),
            ("sample_type", vec![t("tumor")]),
            ("secondary_use", vec![Value::Bool(true)]),
        ]))
    }

    #[test]
    fn evaluates_the_issue_example_and_precedence() {
        let s = subject();
        let yes = |r: &str| parse_rule(r).unwrap().matches(&s);
        assert!(yes("cancer_type=LUAD and sex=female and age_at_diagnosis>=50 and sample_type=tumor"));
        assert!(!yes("cancer_type=LUAD and sex=male"));
        assert!(yes("sex=male or cancer_type = luad"), "case-insensitive text");
        assert!(!yes("cancer_type!=BRCA"), "!= holds only when no value is equal");
        assert!(yes("cancer_type!=COAD"));
        assert!(yes("not (sex=male) and cancer_type in (COAD, 'BRCA')"));
        assert!(!yes("age_at_diagnosis > 70"));
        assert!(yes("age_at_diagnosis < 50"), "any value satisfies");
        assert!(yes("sex=male or sex=female and sample_type=tumour"), "and binds tighter than or");
        assert!(!yes("(sex=male or sex=female) and sample_type=normal"));
        assert!(yes("secondary_use=yes"));
        assert!(!yes("survival_days > 0"), "no values: orderings are false");
    }

    #[test]
    fn errors_point_at_the_column() {
        let cases = [
            ("cancer_type=LUAD and agee>=50", 22, "unknown field"),
            ("age_at_diagnosis>=fifty", 19, "takes a number"),
            ("sex=female and", 15, "expected a field name"),
            ("(sex=female", 12, "closing"),
            ("sex>female", 4, "only = and !="),
            ("sample_type=blood", 13, "tumor, normal, germline"),
            ("cancer_type=LUAD sex=female", 18, "expected \"and\""),
            ("sex = 'female", 7, "unterminated"),
            ("sex ~ female", 5, "unexpected character"),
            ("", 1, "empty"),
        ];
        for (rule, column, words) in cases {
            let e = parse_rule(rule).unwrap_err();
            assert_eq!(e.column, column, "{rule}: {e}");
            assert!(e.message.contains(words), "{rule}: {e}");
        }
        let shown = parse_rule("sex=female and agee>=50").unwrap_err().render("sex=female and agee>=50");
        assert!(shown.contains("\n               ^\n"), "{shown}");
    }
}
