DROP TABLE supporter_bookings;
DROP TABLE supporter_sessions;
DROP TABLE supporter_schedules;
