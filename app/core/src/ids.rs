//! Typed ids: each kind of thing has its own, so a person's id can never be passed where a
//! company's is expected. Every id is a UUID and only parses from one.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// Declares a typed id: a UUID that only parses from a UUID.
macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh random id, for something being created.
            #[cfg(feature = "server")]
            pub fn random() -> Self {
                Self(Uuid::new_v4())
            }

            /// Reads an id from a URL or a page; anything else is `None` (and the answer is "not
            /// found").
            #[inline]
            pub fn parse(raw: &str) -> Option<Self> {
                Uuid::parse_str(raw.trim()).ok().map(Self)
            }

            /// The UUID, for what every kind of record shares (tasks, the timeline).
            #[inline]
            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        /// Stored as the UUID's text, the schema's one convention for ids: an id binds
        /// directly (`.bind(person)`) and reads back from a row (`row.try_get::<PersonId, _>`).
        #[cfg(feature = "server")]
        impl sqlx::Type<sqlx::Any> for $name {
            fn type_info() -> sqlx::any::AnyTypeInfo {
                <String as sqlx::Type<sqlx::Any>>::type_info()
            }
        }

        #[cfg(feature = "server")]
        impl<'q> sqlx::Encode<'q, sqlx::Any> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut <sqlx::Any as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <String as sqlx::Encode<'q, sqlx::Any>>::encode(self.0.to_string(), buf)
            }
        }

        #[cfg(feature = "server")]
        impl<'r> sqlx::Decode<'r, sqlx::Any> for $name {
            fn decode(value: <sqlx::Any as sqlx::Database>::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let text = <&str as sqlx::Decode<'r, sqlx::Any>>::decode(value)?;
                Ok(Self(Uuid::parse_str(text)?))
            }
        }

        /// An id that is not a UUID names nothing: "not found".
        impl FromStr for $name {
            type Err = AppError;

            #[inline]
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s).ok_or(AppError::NotFound)
            }
        }
    };
}

typed_id!(
    /// The id of a workspace.
    WorkspaceId
);

typed_id!(
    /// The id of a member (a person who logs in).
    MemberId
);

typed_id!(
    /// The id of a person.
    PersonId
);

typed_id!(
    /// The id of one of a person's further e-mail addresses or phone numbers.
    ContactId
);

typed_id!(
    /// The id of one of a person's mailing addresses.
    AddressId
);

typed_id!(
    /// The id of a company.
    CompanyId
);

typed_id!(
    /// The id of a lead.
    LeadId
);

typed_id!(
    /// The id of an opportunity.
    OpportunityId
);

typed_id!(
    /// The id of a stage of a workspace's pipeline.
    StageId
);

typed_id!(
    /// The id of a task.
    TaskId
);

typed_id!(
    /// The id of a note written on a record.
    NoteId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_reads_only_from_a_uuid_and_writes_back_the_same() {
        let raw = "67e55044-10b1-426f-9247-bb680e5fe0c8";
        let id = PersonId::parse(&format!(" {raw} ")).expect("a UUID is an id");
        assert_eq!(id.to_string(), raw);
        assert_eq!(raw.parse::<PersonId>(), Ok(id));
        assert_eq!(PersonId::parse("1 OR 1=1"), None);
        assert_eq!("".parse::<WorkspaceId>(), Err(AppError::NotFound));
    }

    #[test]
    fn an_id_travels_as_a_bare_uuid_string() {
        let raw = "67e55044-10b1-426f-9247-bb680e5fe0c8";
        let id = CompanyId::parse(raw).expect("a UUID");
        let json = serde_json::to_string(&id).expect("an id serialises");
        assert_eq!(json, format!("\"{raw}\""));
        assert_eq!(serde_json::from_str::<CompanyId>(&json).ok(), Some(id));
    }
}
