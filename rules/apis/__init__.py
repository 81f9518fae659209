"""Facts about the libraries the rules know (HTTP clients, timeouts of client constructors, …),
shared by the rule families and the cross-module index. Data and small helpers only: this
package sits below the families and imports none of them."""
