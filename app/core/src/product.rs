//! Who runs the product: named once, used by the footer, the policies and e-mails.

pub const PRODUCT_NAME: &str = "Candor CRM";
pub const LEGAL_NAME: &str = "Candor CRM, Inc.";
pub const STREET: &str = "301 Howard St. #600";
pub const CITY_LINE: &str = "San Francisco, CA 94105";
pub const PRIVACY_EMAIL: &str = "privacy-questions@candor-crm.example";
