//! Screens for the vendor's operators, under `/app/operator/`. Only members with the operator
//! role, working in the operators' workspace, may open them; the server checks both on every
//! call.

mod consent_chart;

pub use consent_chart::ConsentChartPage;
