//! The term tables of table rules, as settings the rules own.
//!
//! A table rule names its settings key in `declare_rule!` (`table:
//! "filler"`), and its table is that key in its category's section
//! (`[concise] filler = [...]`). The section keeps its own keys in a struct
//! (`[voice] max_sentence_words`) and every table in a map by key, so adding
//! a table rule adds no field here: the keys a section accepts, its schema
//! and its merging all come from the registered rules.
//!
//! Reading a section passes its own keys on to the struct's derived
//! `Deserialize` and takes the table keys aside, on the same TOML map, so an
//! error inside a table row keeps its line and column; an unknown key is
//! refused at its own position with the keys the section knows and the
//! nearest one.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::TermEntry;
use super::catalog::{Category, RuleMeta, table_keys};
use super::merge::Merge;

/// Tables by settings key.
pub type Tables = BTreeMap<String, Vec<TermEntry>>;

/// A section of `copydesk.toml` whose category has table rules: its own
/// keys (`keys`, reached through `Deref`) and the rules' tables.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Section<K> {
    pub keys: K,
    pub tables: Tables,
}

/// The struct of a section's own keys, and which category's table rules
/// keep their tables in it.
pub trait SectionKeys {
    const CATEGORY: Category;
}

impl<K> Section<K> {
    /// The rows under `key` (none when the guide and the built-in guide
    /// have none).
    pub fn table(&self, key: &str) -> &[TermEntry] {
        self.tables.get(key).map_or(&[], Vec::as_slice)
    }
}

impl<K> Deref for Section<K> {
    type Target = K;

    fn deref(&self) -> &K {
        &self.keys
    }
}

impl<K> DerefMut for Section<K> {
    fn deref_mut(&mut self) -> &mut K {
        &mut self.keys
    }
}

impl<K: Merge> Merge for Section<K> {
    fn merge(&mut self, other: Self) {
        self.keys.merge(other.keys);
        Merge::merge(&mut self.tables, other.tables);
    }
}

impl<K: Serialize> Serialize for Section<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Flat<'a, K> {
            #[serde(flatten)]
            keys: &'a K,
            #[serde(flatten)]
            tables: &'a Tables,
        }
        Flat {
            keys: &self.keys,
            tables: &self.tables,
        }
        .serialize(serializer)
    }
}

impl<'de, K: Deserialize<'de> + SectionKeys> Deserialize<'de> for Section<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(SectionVisitor(PhantomData))
    }
}

struct SectionVisitor<K>(PhantomData<K>);

impl<'de, K: Deserialize<'de> + SectionKeys> Visitor<'de> for SectionVisitor<K> {
    type Value = Section<K>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a table")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Section<K>, A::Error> {
        let mut tables = Tables::new();
        let split = Split {
            map,
            tables: &mut tables,
            own: struct_fields::<K>(),
            category: K::CATEGORY,
        };
        let keys = K::deserialize(de::value::MapAccessDeserializer::new(split))?;
        Ok(Section { keys, tables })
    }
}

/// The section's map with the table keys taken aside: the struct of own
/// keys sees only its keys.
struct Split<'t, A> {
    map: A,
    tables: &'t mut Tables,
    own: &'static [&'static str],
    category: Category,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Split<'_, A> {
    type Error = A::Error;

    fn next_key_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, A::Error> {
        let mut seed = Some(seed);
        loop {
            let key = KeySeed {
                seed: &mut seed,
                own: self.own,
                category: self.category,
            };
            match self.map.next_key_seed(key)? {
                None => return Ok(None),
                Some(Key::Own(value)) => return Ok(Some(value)),
                Some(Key::Table(name)) => {
                    let rows: Vec<TermEntry> = self.map.next_value()?;
                    self.tables.insert(name, rows);
                }
            }
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

enum Key<V> {
    Own(V),
    Table(String),
}

/// Reads one key of the section, on the TOML key itself (so an error is
/// placed at the key): a table rule's key, one of the struct's, or an
/// error.
struct KeySeed<'s, S> {
    seed: &'s mut Option<S>,
    own: &'static [&'static str],
    category: Category,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<'_, S> {
    type Value = Key<S::Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let name = String::deserialize(deserializer)?;
        if table_keys(self.category).any(|(key, _)| key == name) {
            return Ok(Key::Table(name));
        }
        if self.own.contains(&name.as_str()) {
            let Some(seed) = self.seed.take() else {
                return Err(de::Error::custom("a key was read twice"));
            };
            let value = seed.deserialize(IntoDeserializer::<D::Error>::into_deserializer(name))?;
            return Ok(Key::Own(value));
        }
        Err(de::Error::custom(unknown_key(
            &name,
            self.own,
            self.category,
        )))
    }
}

/// "unknown field `x`, expected one of …", with the nearest key.
fn unknown_key(name: &str, own: &[&str], category: Category) -> String {
    let mut known: Vec<&str> = own.to_vec();
    known.extend(table_keys(category).map(|(key, _)| key));
    known.sort_unstable();
    let list = known
        .iter()
        .map(|key| format!("`{key}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let near = known
        .iter()
        .map(|key| (crate::text::edit_distance(key, name), *key))
        .filter(|&(distance, _)| distance <= 3)
        .min()
        .map(|(_, key)| format!("; did you mean `{key}`?"))
        .unwrap_or_default();
    format!("unknown field `{name}`, expected one of {list}{near}")
}

/// The field names a derived `Deserialize` struct accepts: what it passes
/// to `deserialize_struct`.
fn struct_fields<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    struct Probe<'f>(&'f mut &'static [&'static str]);

    impl<'de> Deserializer<'de> for Probe<'_> {
        type Error = de::value::Error;

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("probed"))
        }

        fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }

    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

/// The section's schema: the struct's, plus one property per table rule
/// of the category, described by the rule.
impl<K: schemars::JsonSchema + SectionKeys> schemars::JsonSchema for Section<K> {
    fn schema_name() -> Cow<'static, str> {
        K::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        K::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut schema = K::json_schema(generator);
        let rows = generator.subschema_for::<Vec<TermEntry>>();
        let object = schema.ensure_object();
        let properties = object
            .entry("properties")
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
        if let Some(properties) = properties.as_object_mut() {
            for (key, meta) in table_keys(K::CATEGORY) {
                let mut property = rows.clone();
                property.insert("description".to_owned(), table_description(meta).into());
                property.insert("default".to_owned(), serde_json::json!([]));
                properties.insert(key.to_owned(), property.to_value());
            }
        }
        schema
    }
}

/// A table key's description in the schema: whose rows they are and the
/// first sentence of what the rule flags.
fn table_description(meta: &RuleMeta) -> String {
    let summary = meta
        .summary()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let first = summary
        .find(". ")
        .map_or(summary.as_str(), |end| &summary[..=end]);
    format!(
        "Rows for {} (they add to the built-in table). {first}",
        meta.id
    )
}
