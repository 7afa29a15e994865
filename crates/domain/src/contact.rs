//! Phone numbers and e-mail addresses of clients, families and agencies.
//!
//! Both are checked for shape only: whether a number rings or an address receives mail is not
//! something the domain can know. The checks catch typing slips and normalise what Japanese
//! input methods produce (full-width digits, the long-vowel mark typed as a hyphen) so that
//! stored values look alike and can be copied into a phone or a mailer as they are.

use crate::error::FieldError;

/// The fewest digits of a usable number: a domestic fixed-line number with its area code.
const PHONE_MIN_DIGITS: usize = 10;
/// E.164 caps international numbers at 15 digits.
const PHONE_MAX_DIGITS: usize = 15;

/// RFC 5321's limit on a whole address and on its local part.
const EMAIL_MAX: usize = 254;
const EMAIL_LOCAL_MAX: usize = 64;
/// RFC 1035's limit on one label of a domain name.
const EMAIL_LABEL_MAX: usize = 63;

/// One character of a typed phone number in ASCII. Japanese input methods often give
/// full-width digits, and a hyphen typed in kana mode comes out as ー or one of the dashes.
fn phone_char(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        '－' | 'ー' | 'ｰ' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => '-',
        '＋' => '+',
        '（' => '(',
        '）' => ')',
        _ if c.is_whitespace() && !c.is_control() => ' ',
        _ => c,
    }
}

fn invalid_phone(field: &str) -> FieldError {
    FieldError::new(
        field,
        "invalid_phone",
        "must be a phone number of 10 to 15 digits, e.g. 082-223-8609 or +81 82 223 8609",
    )
}

/// A phone number, normalised to ASCII with single spaces. Grouping (hyphens, spaces,
/// parentheses round an area code) is kept as typed: it is how people read numbers back.
pub fn phone(field: &str, raw: &str) -> Result<String, FieldError> {
    let converted: String = raw.chars().map(phone_char).collect();
    let t = converted.trim();
    if t.is_empty() {
        return Err(FieldError::new(field, "required", "must not be empty"));
    }
    let mut out = String::with_capacity(t.len());
    let mut digits = 0usize;
    let mut first_digit = None;
    let mut open_paren = false;
    for (i, c) in t.chars().enumerate() {
        match c {
            '0'..='9' => {
                digits += 1;
                first_digit.get_or_insert(c);
            }
            '+' if i == 0 => {}
            '-' => {}
            '(' if !open_paren => open_paren = true,
            ')' if open_paren => open_paren = false,
            ' ' => {
                if out.ends_with(' ') {
                    continue;
                }
            }
            _ => return Err(invalid_phone(field)),
        }
        out.push(c);
    }
    let international = out.starts_with('+');
    // A domestic number always begins with the trunk prefix 0 (0120, 090, 03 …); without it
    // the area code is missing and the number cannot be dialled.
    if open_paren
        || !(PHONE_MIN_DIGITS..=PHONE_MAX_DIGITS).contains(&digits)
        || (!international && first_digit != Some('0'))
    {
        return Err(invalid_phone(field));
    }
    Ok(out)
}

fn invalid_email(field: &str) -> FieldError {
    FieldError::new(
        field,
        "invalid_email",
        "must be an e-mail address such as name@example.jp",
    )
}

fn is_domain_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= EMAIL_LABEL_MAX
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// An e-mail address. Only the domain is lower-cased: the local part is case-sensitive in
/// principle, and changing it could address someone else.
pub fn email(field: &str, raw: &str) -> Result<String, FieldError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(FieldError::new(field, "required", "must not be empty"));
    }
    if t.chars().count() > EMAIL_MAX {
        return Err(invalid_email(field));
    }
    let Some((local, domain)) = t.split_once('@') else {
        return Err(invalid_email(field));
    };
    let local_ok = !local.is_empty()
        && local.chars().count() <= EMAIL_LOCAL_MAX
        && !local
            .chars()
            .any(|c| c.is_whitespace() || crate::values::unsafe_in_name(c) || c == '@');
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2 && labels.iter().all(|l| is_domain_label(l));
    if !local_ok || !domain_ok {
        return Err(invalid_email(field));
    }
    Ok(format!("{local}@{}", domain.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone_code(raw: &str) -> &'static str {
        phone("phone", raw).unwrap_err().code
    }

    fn email_code(raw: &str) -> &'static str {
        email("email", raw).unwrap_err().code
    }

    #[test]
    fn phones_are_normalised() {
        assert_eq!(
            phone("p", "０８２−２２３−８６０９").unwrap(),
            "082-223-8609"
        );
        assert_eq!(
            phone("p", "０８２ー２２３ー８６０９").unwrap(),
            "082-223-8609"
        );
        assert_eq!(phone("p", "082‐223―8609").unwrap(), "082-223-8609");
        assert_eq!(phone("p", "090 1234 5678").unwrap(), "090 1234 5678");
        assert_eq!(
            phone("p", " 090　 1234\u{3000}5678 ").unwrap(),
            "090 1234 5678"
        );
        assert_eq!(phone("p", "+81 82 223 8609").unwrap(), "+81 82 223 8609");
        assert_eq!(
            phone("p", "＋８１ ８２ ２２３ ８６０９").unwrap(),
            "+81 82 223 8609"
        );
        assert_eq!(phone("p", "(082) 223-8609").unwrap(), "(082) 223-8609");
        assert_eq!(
            phone("p", "（０８２）２２３−８６０９").unwrap(),
            "(082)223-8609"
        );
        assert_eq!(phone("p", "0120-123-456").unwrap(), "0120-123-456");
        assert_eq!(
            phone("p", "+81 90 1234 5678 99").unwrap(),
            "+81 90 1234 5678 99"
        );
    }

    #[test]
    fn phones_that_are_not() {
        assert_eq!(phone_code(""), "required");
        assert_eq!(phone_code(" 　"), "required");
        assert_eq!(phone_code("12345"), "invalid_phone");
        assert_eq!(phone_code("abc"), "invalid_phone");
        // Ten digits, but no trunk prefix.
        assert_eq!(phone_code("82-223-8609"), "invalid_phone");
        assert_eq!(phone_code("082-223-860"), "invalid_phone");
        assert_eq!(phone_code("0821-2345-6789-01234"), "invalid_phone");
        assert_eq!(phone_code("082+223+8609"), "invalid_phone");
        assert_eq!(phone_code("082-223-8609 内線12"), "invalid_phone");
        assert_eq!(phone_code("(082 223-8609"), "invalid_phone");
        assert_eq!(phone_code("082) 223-8609"), "invalid_phone");
        // Surrounding whitespace is trimmed like any field's, but not inside the number.
        assert_eq!(phone("p", "082-223-8609\n").unwrap(), "082-223-8609");
        assert_eq!(phone_code("082-223\t-8609"), "invalid_phone");
    }

    #[test]
    fn emails() {
        assert_eq!(
            email("e", "  Taro.Yamada+nanbyo@Example.Hiroshima.JP ").unwrap(),
            "Taro.Yamada+nanbyo@example.hiroshima.jp"
        );
        assert_eq!(email("e", "a@b.jp").unwrap(), "a@b.jp");
        assert_eq!(
            email("e", "x@my-center.or.jp").unwrap(),
            "x@my-center.or.jp"
        );
        let local = "a".repeat(64);
        assert!(email("e", &format!("{local}@example.jp")).is_ok());
    }

    #[test]
    fn emails_that_are_not() {
        assert_eq!(email_code(""), "required");
        assert_eq!(email_code("   "), "required");
        assert_eq!(email_code("taro"), "invalid_email");
        assert_eq!(email_code("taro\u{202E}@example.jp"), "invalid_email");
        assert_eq!(email_code("\u{200B}@example.jp"), "invalid_email");
        assert_eq!(email_code("@example.jp"), "invalid_email");
        assert_eq!(email_code("taro@"), "invalid_email");
        assert_eq!(email_code("taro@localhost"), "invalid_email");
        assert_eq!(email_code("taro@@example.jp"), "invalid_email");
        assert_eq!(email_code("a@b@example.jp"), "invalid_email");
        assert_eq!(email_code("ta ro@example.jp"), "invalid_email");
        assert_eq!(email_code("ta\u{3000}ro@example.jp"), "invalid_email");
        assert_eq!(email_code("taro@example..jp"), "invalid_email");
        assert_eq!(email_code("taro@.example.jp"), "invalid_email");
        assert_eq!(email_code("taro@example.jp."), "invalid_email");
        assert_eq!(email_code("taro@-example.jp"), "invalid_email");
        assert_eq!(email_code("taro@example-.jp"), "invalid_email");
        assert_eq!(email_code("taro@exa_mple.jp"), "invalid_email");
        assert_eq!(email_code("taro@例え.jp"), "invalid_email");
        assert_eq!(email_code("taro＠example.jp"), "invalid_email");
        let local = "a".repeat(65);
        assert_eq!(email_code(&format!("{local}@example.jp")), "invalid_email");
        let label = "b".repeat(63);
        let long = format!("a@{label}.{label}.{label}.{label}.jp");
        assert_eq!(email_code(&long), "invalid_email");
        let label = "b".repeat(64);
        assert_eq!(email_code(&format!("a@{label}.jp")), "invalid_email");
        assert!(email("e", &format!("a@{}.jp", "b".repeat(63))).is_ok());
    }
}
